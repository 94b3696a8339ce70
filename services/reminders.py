"""Reminders of home visits: the 72-hour follow-up due soon or overdue (sent by reminders/)."""

import datetime

from branches.access import WRITERS
from core.reminders import Due, reminder_setting
from services.models import HomeVisit

FOLLOW_UP_DUE, FOLLOW_UP_OVERDUE = "follow_up_due", "follow_up_overdue"


def follow_ups(today: datetime.date) -> list[Due]:
    """Home visits whose 72-hour follow-up is not done: due today or tomorrow, or overdue (for
    REMINDER_OVERDUE_DAYS after it was due: older ones are the supervisors' matter)."""
    oldest = today - datetime.timedelta(days=reminder_setting("REMINDER_OVERDUE_DAYS", 14))
    visits = HomeVisit.objects.filter(
        follow_up_done_on__isnull=True,
        follow_up_due__gte=oldest,
        follow_up_due__lte=today + datetime.timedelta(days=1),
        branch__is_active=True,
    ).select_related("branch")
    found = []
    for visit in visits:
        kind = FOLLOW_UP_OVERDUE if visit.follow_up_due < today else FOLLOW_UP_DUE
        found.append(
            Due(
                kind,
                visit.branch,
                f"{kind}:{visit.pk}",
                visit.get_absolute_url(),
                frozenset(WRITERS),
                {"date": visit.occurred_on.isoformat(), "due": visit.follow_up_due.isoformat()},
            )
        )
    return found
