"""Chart data of a dashboard (monthly trends and splits), passed to ECharts with json_script."""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from core.catalogue import METRICS
from core.numbers import format_figure, money_scale, unit_heading
from core.periods import Period
from dashboards.labels import dimension_label

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


def number(value):
    """A store value as JSON writes it."""
    return value if isinstance(value, int) else float(value)


def axis(metric_key: str, values: list) -> dict:
    """One unit for a whole axis (docs/numbers.md): amounts in the scale of the largest value
    (元, 万元 or 亿元), counts in whole ticks. The charts divide by `divisor` and name `unit`."""
    metric = METRICS[metric_key]
    if metric.unit == "cny":
        scale = money_scale(max((abs(v) for v in values), default=0))
        return {"divisor": float(scale.divisor), "unit": scale.unit, "integer": False}
    return {"divisor": 1, "unit": unit_heading(metric_key), "integer": metric.decimals == 0}


def chart_data(period: Period, previous_period: Period | None, data: dict) -> dict:
    """Everything the charts draw, JSON-ready (Decimals become floats), from the node's metrics
    (dashboards.node_metrics: {metric: MetricData} of every catalogue metric)."""
    splits = []
    for index, (metric, dimension) in enumerate(SPLIT_CHARTS):
        items = data[metric].splits.get(dimension)
        if not items:
            continue
        splits.append(
            {
                "id": f"split-{index}",
                "metric": metric,
                "dimension": dimension,
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
                "current": data[key].current,
                "previous": data[key].previous,
                "axis": axis(key, data[key].current + data[key].previous),
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
