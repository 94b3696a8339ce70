"""Chart data of a dashboard (monthly trends and splits), passed to ECharts with json_script."""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from core.catalogue import METRICS
from core.numbers import format_figure, money_scale, unit_heading
from core.periods import Period, period_between
from dashboards.labels import dimension_label, split_label
from metrics.selectors import TOTAL, query

# Trends drawn side by side; any other metric can be picked in the chooser chart.
HEADLINE_TRENDS = (
    "home_visits",
    "outreach_events",
    "antifraud_interventions",
    "financing_amount_cny",
    "love_station_visits",
    "volunteer_person_times",
)

# (metric, dimension) of the split charts, in the order they are shown.
SPLIT_CHARTS = (
    ("antifraud_interventions", "fraud_type"),
    ("antifraud_funds_protected_cny", "fraud_type"),
    ("financing_amount_cny", "sector"),
    ("financing_enterprises", "sector"),
    ("love_station_visits", "visitor_group"),
    ("love_station_visits", "service"),
    ("home_visits", "customer_group"),
    ("outreach_events", "theme"),
    ("antifraud_sessions", "venue_type"),
    ("volunteer_person_times", "theme"),
    ("study_sessions", "session_type"),
    ("partnership_activities", "activity_type"),
    ("partnerships_active", "partner_type"),
    ("teams_active", "kind"),
    ("honours", "kind"),
    ("honours", "level"),
)


def _number(value):
    return value if isinstance(value, int) else float(value)


def axis(metric_key: str, values: list) -> dict:
    """One unit for a whole axis (docs/numbers.md): amounts in the scale of the largest value
    (元, 万元 or 亿元), counts in whole ticks. The charts divide by `divisor` and name `unit`."""
    metric = METRICS[metric_key]
    if metric.unit == "cny":
        scale = money_scale(max((abs(v) for v in values), default=0))
        return {"divisor": float(scale.divisor), "unit": scale.unit, "integer": False}
    return {"divisor": 1, "unit": unit_heading(metric_key), "integer": metric.decimals == 0}


def monthly_rows(branch, period: Period, previous: Period | None) -> list:
    """The node's rows by month of every metric (metrics.selectors.query), over the months from
    the earlier period's first to the later's last: the charts' series, and the sums and stocks
    of both periods' figures (metrics.selectors.totals_of_months)."""
    span = period_between(min(period.first, previous.first), max(period.last, previous.last)) if previous else period
    return query(branch_ids=[branch.pk], period=span, by=("month",))


def _monthly(rows: list, period: Period, previous: Period | None) -> tuple[dict[str, list], dict[str, list]]:
    """The monthly series of the period and of the one it is compared with (rows by
    monthly_rows())."""
    current: dict[str, list] = {key: [] for key in METRICS}
    before: dict[str, list] = {key: [] for key in METRICS} if previous else {}
    now_months, before_months = set(period.months), set(previous.months) if previous else set()
    for row in rows:
        if row.month in now_months:
            current[row.metric].append(_number(row.value))
        if row.month in before_months:
            before[row.metric].append(_number(row.value))
    return current, before


def chart_data(branch, period: Period, previous_period: Period | None, rows: list | None = None) -> dict:
    """Everything the charts draw; JSON-ready (Decimals become floats). rows: monthly_rows()
    when read already."""
    if rows is None:
        rows = monthly_rows(branch, period, previous_period)
    current, previous = _monthly(rows, period, previous_period)
    split_metrics = sorted({metric for metric, _dim in SPLIT_CHARTS})
    found: dict[tuple[str, str], list[dict]] = {}
    for row in query(branch_ids=[branch.pk], period=period, metrics=split_metrics, splits="*"):
        if row.split == TOTAL or not row.value:
            continue
        dimension = row.split.partition(":")[0]
        found.setdefault((row.metric, dimension), []).append(
            {"name": split_label(row.metric, row.split), "value": _number(row.value)}
        )
    splits = []
    for index, (metric, dimension) in enumerate(SPLIT_CHARTS):
        items = sorted(found.get((metric, dimension), []), key=lambda item: -item["value"])
        if not items:
            continue
        splits.append(
            {
                "id": f"split-{index}",
                "metric": metric,
                "title": f"{METRICS[metric].label} · {dimension_label(metric, dimension)}",
                "unit": METRICS[metric].unit,
                "axis": axis(metric, [item["value"] for item in items]),
                "items": items,
            }
        )
    return {
        "months": [m.strftime("%Y-%m") for m in period.months],
        "currentLabel": period.label(),
        "previousLabel": previous_period.label() if previous_period else "",
        "headline": list(HEADLINE_TRENDS),
        "metrics": {
            key: {
                "label": str(metric.label),
                "unit": metric.unit,
                "current": current[key],
                "previous": previous.get(key, []),
                "axis": axis(key, current[key] + previous.get(key, [])),
            }
            for key, metric in METRICS.items()
        },
        "splits": splits,
    }


def split_items_html(split: dict) -> SafeString:
    """A split chart's items as the list screen readers read in its place, written in Python
    (a dashboard has some hundred of them)."""
    return format_html_join(
        "",
        "<li>{}: {}</li>",
        ((item["name"], format_figure(item["value"], split["metric"])) for item in split["items"]),
    )
