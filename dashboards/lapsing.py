"""Honorary titles whose validity ends soon (青年文明号 runs in two-year cycles): one query."""

import datetime

from django.utils import timezone

from honours.models import Honour

LAPSE_WARNING_DAYS = 90
LAPSING_LIMIT = 20


def lapsing_titles(user, branch, *, today: datetime.date | None = None, days: int = LAPSE_WARNING_DAYS) -> list:
    """Titles in force in the node's subtree (and the user's scope) whose validity ends within
    `days` of today, soonest first; at most LAPSING_LIMIT of them."""
    today = today or timezone.localdate()
    rows = (
        Honour.objects.for_user(user)
        .in_subtree(branch)
        .filter(
            kind=Honour.Kind.TITLE,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )
        .exclude(status=Honour.Status.REVOKED)
        .select_related("branch")
        .order_by("valid_until", "id")[:LAPSING_LIMIT]
    )
    return [{"honour": h, "days_left": (h.valid_until - today).days} for h in rows]
