"""Reminders of honours: a title in force whose validity ends soon (sent by reminders/)."""

import datetime

from branches.access import SUBMITTERS
from core.reminders import Due, reminder_setting
from honours.models import Honour

HONOUR_LAPSING = "honour_lapsing"


def honours_lapsing(today: datetime.date) -> list[Due]:
    """Honorary titles in force whose validity ends within REMINDER_HONOUR_DAYS (90); renewed, a
    title has a new end and is reminded of again before that one."""
    until = today + datetime.timedelta(days=reminder_setting("REMINDER_HONOUR_DAYS", 90))
    titles = Honour.objects.filter(
        kind=Honour.Kind.TITLE,
        valid_until__gte=today,
        valid_until__lte=until,
        branch__is_active=True,
    ).exclude(status=Honour.Status.REVOKED)
    return [
        Due(
            HONOUR_LAPSING,
            h.branch,
            f"{HONOUR_LAPSING}:{h.pk}:{h.valid_until.isoformat()}",
            h.get_absolute_url(),
            frozenset(SUBMITTERS),
            {"title": h.title, "until": h.valid_until.isoformat()},
        )
        for h in titles.select_related("branch")
    ]
