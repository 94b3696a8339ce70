"""What the dashboard template needs besides the figures: periods to pick, sort links, completeness."""

from django.http import QueryDict
from django.utils.translation import gettext as _

from core.catalogue import METRICS
from core.periods import Period, PeriodError, current_year_period, month_start, parse_period
from dashboards.standing import LEVEL_LABELS, Submissions, cell_level
from dashboards.summary import SORT_FIELDS, STANDING_SORTS, parse_sort
from metrics.completeness import COUNTED_STATUSES, STATUS_LABELS

# A dashboard spans at most ten years: beyond that a page of monthly charts says nothing.
MAX_MONTHS = 120
GRID_MONTHS = 12  # completeness shows a cell per month up to a year, a summary beyond


def dashboard_period(text: str | None) -> Period:
    """The period asked for (the current year when none); PeriodError with a clear message."""
    if text is None or not text.strip():
        return current_year_period()
    if len(text) > 40:
        raise PeriodError(_too_long())
    period = parse_period(text)
    if len(period.months) > MAX_MONTHS:
        raise PeriodError(_too_long())
    return period


def _too_long() -> str:
    return _("A dashboard covers at most %(years)s years: choose a shorter period.") % {"years": MAX_MONTHS // 12}


def period_choices(period: Period) -> list[tuple[str, str]]:
    """Quick picks around the period's last year: (period text, Chinese label)."""
    year = period.last.year
    texts = [str(year - 1), str(year)] + [f"{year}Q{q}" for q in range(1, 5)] + [f"{year - 4}..{year}"]
    out = []
    for text in texts:
        try:
            chosen = parse_period(text)
        except PeriodError:  # beyond the years the portal covers
            continue
        out.append((chosen.text, chosen.label()))
    return out


def sort_columns(period_text: str, sort: str | None, order=None, compact=frozenset()) -> dict:
    """Header links of the children table: {"code": …, "name": …, "metrics": [one per metric]}.

    Each has the query string of its link (period kept, so sorted views are shareable) and
    its current direction ("asc", "desc" or "").
    """
    active, descending = parse_sort(sort)

    def column(key: str) -> dict:
        # Numbers sort largest first on the first click, names and codes A to Z, standings
        # lowest first (who lags on top).
        next_descending = (not descending) if key == active else key in METRICS
        query = QueryDict(mutable=True)
        query["period"] = period_text
        query["sort"] = ("-" if next_descending else "") + key
        direction = ("desc" if descending else "asc") if key == active else ""
        return {"key": key, "query": query.urlencode(), "direction": direction}

    columns = {key: column(key) for key in (*SORT_FIELDS, *STANDING_SORTS)}
    columns["metrics"] = [
        column(key) | {"metric": METRICS[key], "extra": key not in compact} for key in (order or METRICS)
    ]
    return columns


def _grid(row) -> list[dict]:
    """What each cell of a completeness row shows, worked out once per status and month (the
    grid of a head office is hundreds of cells; the template only places the strings)."""
    approved = _("approved")
    labels: dict[str, str] = {}
    out = []
    for cell in row:
        label = labels.get(cell.status) or labels.setdefault(cell.status, str(cell.label))
        text = f"{cell.month:%Y-%m}: {label}"
        if cell.is_approved:
            out.append({"css": f"status-{cell.status} is-approved", "title": f"{text} · {approved}", "text": text})
        else:
            out.append({"css": f"status-{cell.status}", "title": text, "text": text})
        out[-1]["status"] = cell.status
    return out


def completeness_row(cells, period: Period, today) -> dict:
    """What the completeness table shows of one child (its cells, one per month of the period)
    and what the standing reads of it: the months submitted among those that have ended."""
    this_month = month_start(today)
    due = [cell for cell in cells if cell.month < this_month]
    return {
        "branch": cells[0].branch,
        "grid": _grid(cells) if len(period.months) <= GRID_MONTHS else [],
        "complete": sum(1 for c in cells if c.is_complete),
        "expected": sum(1 for c in cells if c.is_expected),
        "counts": {status: sum(1 for c in cells if c.status == status) for status in COUNTED_STATUSES},
        "submitted": Submissions(sum(1 for c in due if c.is_complete), len(due)) if due else None,
    }


def completeness(rows: list[dict], period: Period) -> dict:
    """The completeness table of a node's active children (rows by completeness_row(), by code)."""
    complete, expected = sum(r["complete"] for r in rows), sum(r["expected"] for r in rows)
    return {
        "rows": rows,
        "months": period.months,
        "grid": len(period.months) <= GRID_MONTHS,
        "complete": complete,
        "expected": expected,
        "rate": (complete / expected) if expected else None,
        "statuses": [(status, STATUS_LABELS[status]) for status in COUNTED_STATUSES],
    }


COMPACT_COLUMNS = 3  # metric columns a phone shows (the weightiest) unless all are asked for


def metric_order(summary, headline) -> list[str]:
    """The metrics by weight: those with a target (at the node or a sub-branch) first, then the
    headline trends, then the rest in catalogue order."""
    targeted = {f.key for f in summary.figures if f.target} | {
        f.key for row in summary.children for f in row.figures if f.target
    }
    return sorted(METRICS, key=lambda key: (key not in targeted, key not in headline))


def weigh(summary, headline) -> dict:
    """Reorder the figures and the children's columns by weight, and split the figure cards into
    those shown and those folded away (nothing in the period nor the one before, no target).

    Returns {"order": [keys], "shown": [card], "folded": [card], "compact": {keys}}, a card being
    {"f": Figure, "level": its standing against the target or None, "label": the level's word}."""
    order = metric_order(summary, headline)
    rank = {key: i for i, key in enumerate(order)}
    summary.figures.sort(key=lambda f: rank[f.key])
    compact = frozenset(order[:COMPACT_COLUMNS])
    for row in summary.children:
        row.figures.sort(key=lambda f: rank[f.key])
        row.compact_keys = compact
    cards = [{"f": f, "level": cell_level(f, summary.share), "label": None} for f in summary.figures]
    for card in cards:
        card["label"] = LEVEL_LABELS.get(card["level"])
    folded = [c for c in cards if not c["f"].value and not c["f"].previous and c["f"].target is None]
    shown = [c for c in cards if c not in folded]
    return {"order": order, "shown": shown, "folded": folded, "compact": compact}
