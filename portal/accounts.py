"""User accounts: deactivation ends every way in, at once."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import get_token_model

from portal.audit import audit
from portal.models import AuditEntry


def user_sessions(user) -> list[Session]:
    """The unexpired sessions logged in as the user (database sessions store the id inside the data)."""
    live = Session.objects.filter(expire_date__gt=timezone.now())
    return [s for s in live.iterator() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


@transaction.atomic
def user_deactivate(user, *, by) -> AuditEntry:
    """Switch the account off and end its browser sessions and API tokens, so that switching it
    on again later does not bring an old session or token back; audited."""
    was_active = user.is_active
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = user_sessions(user)
    Session.objects.filter(pk__in=[s.pk for s in sessions]).delete()
    tokens, _by_model = get_token_model().objects.filter(user=user).delete()
    return audit(
        user=by,
        action=AuditEntry.Action.UPDATE,
        obj=user,
        changes={"is_active": [was_active, False]},
        reason=_("Account deactivated: %(sessions)s sessions and %(tokens)s API tokens ended.")
        % {"sessions": len(sessions), "tokens": tokens},
    )
