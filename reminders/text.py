"""The sentence of a notification, in the reader's language."""

from django.utils.translation import gettext as _

from core.catalogue import METRICS
from reminders.models import Notification

K = Notification.Kind


def sentence(n: Notification) -> str:
    p = {**n.params, "branch": n.branch.name}
    if n.kind == K.MONTH_DUE:
        return _("%(branch)s has not submitted %(month)s; it is due by %(due)s.") % p
    if n.kind == K.FOLLOW_UP_DUE:
        return _("The follow-up of the home visit of %(date)s at %(branch)s is due on %(due)s.") % p
    if n.kind == K.FOLLOW_UP_OVERDUE:
        return _("The follow-up of the home visit of %(date)s at %(branch)s was due on %(due)s and is overdue.") % p
    if n.kind == K.HONOUR_LAPSING:
        return _("The title “%(title)s” of %(branch)s lapses on %(until)s unless it is renewed.") % p
    if n.kind == K.TARGET_BEHIND:
        metric = METRICS.get(p["metric"])
        return _(
            "%(branch)s is behind its %(year)s target for %(metric)s: %(value)s of %(target)s, "
            "where %(expected)s is the pace by the end of Q%(quarter)s."
        ) % {**p, "metric": metric.label if metric else p["metric"]}
    if n.kind == K.REOPEN_REQUESTED:
        return _("%(who)s asks you to reopen %(month)s at %(branch)s to correct a record.") % p
    return n.get_kind_display()
