"""Notifying: the items due (reminders/finding.py) become one notification per user who resolves
them, once (a unique key per user and item: a second run, or two at once, add nothing); e-mail
where REMINDER_EMAIL is on and the user has an address. Reading and marking read, scoped."""

import datetime
import logging
from collections import defaultdict
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.access import access_for
from branches.models import Membership
from reminders import finding
from reminders.models import Notification
from reminders.text import sentence

log = logging.getLogger(__name__)
EMAIL_WITHIN = datetime.timedelta(days=2)  # older unsent notifications are not e-mailed late


def notify_due(today: datetime.date | None = None) -> int:
    """Notify everything due on `today` (by default the portal's today); returns how many
    notifications were added."""
    today = today or timezone.localdate()
    found = finding.due_on(today)
    if not found:
        return 0
    members = defaultdict(list)
    memberships = Membership.objects.filter(branch_id__in={d.branch.pk for d in found}, user__is_active=True)
    for branch_id, user_id, role in memberships.values_list("branch_id", "user_id", "role"):
        members[branch_id].append((user_id, role))
    sent = set(Notification.objects.filter(key__in={d.key for d in found}).values_list("user_id", "key"))
    rows = []
    for due in found:
        for user_id in sorted({u for u, role in members[due.branch.pk] if role in due.roles}):
            if (user_id, due.key) not in sent:
                sent.add((user_id, due.key))
                rows.append(
                    Notification(
                        user_id=user_id,
                        branch=due.branch,
                        kind=due.kind,
                        key=due.key,
                        params=due.params,
                        url=due.url,
                    )
                )
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    email_unsent()
    return len(rows)


def email_enabled() -> bool:
    return bool(getattr(settings, "REMINDER_EMAIL", False))


def email_unsent() -> int:
    """E-mail the recent notifications not e-mailed yet, each once (claimed before sending)."""
    if not email_enabled():
        return 0
    now = timezone.now()
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, created_at__gte=now - EMAIL_WITHIN)
        .exclude(user__email="")
        .select_related("user", "branch")
    )
    base = settings.SITE_URL
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for n in pending:
            if not Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=now):
                continue  # another run e-mailed it
            try:
                send_mail(
                    _("Reminder: %(kind)s") % {"kind": n.get_kind_display()},
                    f"{sentence(n)}\n\n{base}{n.url}\n",
                    None,
                    [n.user.email],
                )
                count += 1
            except Exception:  # the in-app notification stands; the mail is not retried
                log.warning("reminder %s not e-mailed", n.pk, exc_info=True)
    return count


def visible_to(user):
    """The user's own notifications about nodes still in their scope."""
    mine = Notification.objects.filter(user=user)
    access = access_for(user)
    if access.sees_everything:
        return mine
    if not access.paths:
        return mine.none()
    return mine.filter(reduce(or_, (Q(branch__path__startswith=p) for p in access.paths)))


def unread_count(user) -> int:
    return visible_to(user).filter(read_at__isnull=True).count()


def mark_read(user, pk: int | None = None) -> int:
    """Mark one notification (or, without pk, all) of the user read; returns how many."""
    unread = visible_to(user).filter(read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


def mark_unread(user, pk: int) -> int:
    return visible_to(user).filter(pk=pk).update(read_at=None)
