"""User accounts: deactivation, and a new password, end every way in at once.

A password is set in several places: the admin's user form and its own password form, Django's
`changepassword` and `createsuperuser` commands, a reset form, `load_demo`, any code calling
`set_password`. All of them end in `user.set_password(raw)` then `user.save()`; the receiver
below runs on that save, so every one of them, and any added later, ends the user's API tokens
and browser sessions. The session of a user who changed their own password through Django's
views stays: they call update_session_auth_hash afterwards, which carries it over into a new
session key. A hash upgraded at login (a new hasher or more iterations) is no new password and
ends nothing: Django clears `_password` before that save.
"""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import get_token_model

from audit.history import audit
from audit.models import AuditEntry


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
    sessions, tokens = end_sessions_and_tokens(user)
    return audit(
        user=by,
        action=AuditEntry.Action.UPDATE,
        obj=user,
        changes={"is_active": [was_active, False]},
        reason=_("Account deactivated: %(sessions)s sessions and %(tokens)s API tokens ended.")
        % {"sessions": sessions, "tokens": tokens},
    )


def end_sessions_and_tokens(user) -> tuple[int, int]:
    """Delete every session and API token of the user; the counts of each."""
    sessions = user_sessions(user)
    Session.objects.filter(pk__in=[s.pk for s in sessions]).delete()
    tokens, _by_model = get_token_model().objects.filter(user=user).delete()
    return len(sessions), tokens


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="branches.accounts.password_changed")
def _password_changed(sender, instance, created, **kwargs):
    # set_password() keeps the new raw password in _password until the end of save().
    if created or getattr(instance, "_password", None) is None:
        return
    sessions, tokens = end_sessions_and_tokens(instance)
    audit(
        user=None,
        action=AuditEntry.Action.UPDATE,
        obj=instance,
        reason=_("Password changed: %(sessions)s sessions and %(tokens)s API tokens ended.")
        % {"sessions": sessions, "tokens": tokens},
    )
