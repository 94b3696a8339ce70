"""What stands out among honours: the highest standing on dashboards, titles whose validity ends
soon, and titles and commendation letters told as stories in the highlights report."""

import datetime

from django.db.models.expressions import RawSQL

from honours.models import Honour

# Honours by standing, so a national title is not buried under the month's praise tickets.
HONOUR_RANK = [
    Honour.Level.NATIONAL,
    Honour.Level.PROVINCIAL,
    Honour.Level.BANK_HEAD_OFFICE,
    Honour.Level.CITY,
    Honour.Level.BANK_PROVINCIAL,
    Honour.Level.DISTRICT,
    Honour.Level.BANK_BRANCH,
    Honour.Level.COMMUNITY,
    Honour.Level.CUSTOMER,
]


def notable_honours(honours, limit: int) -> list:
    """The `limit` honours of the queryset highest in HONOUR_RANK, newest first within a
    level: one statement of a short, index-ordered pick per level (the honour_level_date index),
    instead of ranking every honour of the period, inside the query that loads them."""
    # The pick of one level, compiled once; each level reuses its SQL with its own value.
    marker = "\x00level"
    pick = honours.filter(level=marker).order_by("-occurred_on", "-id").values_list("id", "occurred_on")
    sql, base = pick[:limit].query.sql_with_params()
    at = base.index(marker)
    unranked = [level for level in Honour.Level.values if level not in HONOUR_RANK]  # ranked last
    parts, params = [], []
    for rank, level in enumerate([*HONOUR_RANK, *unranked]):
        rank = min(rank, len(HONOUR_RANK))
        parts.append(f"SELECT {rank} AS rank, s{len(parts)}.* FROM ({sql}) s{len(parts)}")  # noqa: S608
        params.extend([*base[:at], level, *base[at + 1 :]])
    picked = RawSQL(  # noqa: S611 (the ORM's own SQL and parameters)
        f"SELECT id FROM ({' UNION ALL '.join(parts)}) picked "  # noqa: S608 (parts are the ORM's SQL)
        f"ORDER BY rank, occurred_on DESC, id DESC LIMIT {limit}",
        params,
    )
    rows = Honour.objects.filter(pk__in=picked).select_related("branch", "recipient_staff")
    rank = {level: i for i, level in enumerate(HONOUR_RANK)}
    return sorted(rows, key=lambda h: (rank.get(h.level, len(HONOUR_RANK)), -h.occurred_on.toordinal(), -h.pk))


def lapsing_titles(honours, today: datetime.date, days: int, limit: int) -> list[dict]:
    """Titles in force whose validity ends within `days` of today, soonest first."""
    rows = (
        honours.filter(
            kind=Honour.Kind.TITLE,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )
        .exclude(status=Honour.Status.REVOKED)
        .select_related("branch")
        .order_by("valid_until", "id")[:limit]
    )
    return [{"record": h, "days_left": (h.valid_until - today).days} for h in rows]


def honour_cases(honours, limit: int) -> dict[str, list]:
    picked = (
        honours.filter(kind__in=(Honour.Kind.TITLE, Honour.Kind.COMMENDATION_LETTER))
        .exclude(status=Honour.Status.REVOKED)
        .select_related("branch", "linked_type")
        .order_by("occurred_on", "id")[:limit]
    )
    cases = {"titles": [], "letters": []}
    for honour in picked:
        cases["titles" if honour.kind == Honour.Kind.TITLE else "letters"].append(honour)
    return cases
