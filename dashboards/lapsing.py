"""Records whose validity ends soon (honorary titles: 青年文明号 runs in two-year cycles), from
every kind that declares them (core.kinds): one query per such kind."""

import datetime

from django.utils import timezone

from core.kinds import record_kinds

LAPSE_WARNING_DAYS = 90
LAPSING_LIMIT = 20


def lapsing_titles(user, branch, *, today: datetime.date | None = None, days: int = LAPSE_WARNING_DAYS) -> list:
    """Records in force in the node's subtree (and the user's scope) whose validity ends within
    `days` of today, soonest first; at most LAPSING_LIMIT of them."""
    today = today or timezone.localdate()
    rows = []
    for kind in record_kinds():
        if kind.lapsing is not None:
            rows += kind.lapsing(kind.model.objects.for_user_in_subtree(user, branch), today, days, LAPSING_LIMIT)
    rows.sort(key=lambda row: row["days_left"])
    return rows[:LAPSING_LIMIT]
