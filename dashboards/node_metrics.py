"""A node's own figures and chart series, read from the roll-up store one metric at a time and
kept that way between writes (dashboards/cache.py).

A write changes the store's rows of the metrics its record measures, and the store says which
(metrics.rollup.add_to_store names them to core.freshness): saving an outreach event changes the
outreach events and their attendees of the outlet and its ancestors, and nothing else. So right
after it the head office's page reads those two metrics from the store and every other one from
the cache, in one round trip (issue 19: the head-office dashboard right after a write). Metrics
missing from the cache are read together, in the same few queries for one or for all (the page's
query count does not grow with them); without a shared cache every metric is read that way.
"""

from dataclasses import dataclass

from branches.models import Branch
from core.catalogue import DISTINCT, METRICS
from core.periods import Period, period_between
from dashboards.cache import cached_rows, metric_keys
from dashboards.charts import SPLIT_CHARTS, number, split_items_html
from dashboards.labels import split_label
from metrics.selectors import TOTAL, query, totals_by_branch, totals_of_months

SPLIT_METRICS = frozenset(metric for metric, _dimension in SPLIT_CHARTS)


@dataclass
class MetricData:
    """One metric of one node, as plain data (kept in the cache): its figure over the period and
    over the period it is compared with (None without one), the monthly series of both (JSON
    numbers), the items of its split charts by dimension ({dimension: [{"name", "value"}]},
    zeros left out) and the list screen readers read in place of each (its HTML)."""

    now: object
    before: object
    current: list
    previous: list
    splits: dict
    split_lists: dict


def node_metrics(branch: Branch, period: Period, previous: Period | None) -> dict[str, MetricData]:
    """{metric: its data} for every catalogue metric, in catalogue order: those kept since the
    last write of the metric in the node's subtree from the cache, the others from the store."""
    keys = metric_keys(branch.pk, period, list(METRICS))
    found = cached_rows(keys, list(METRICS), lambda missing: read_metrics(branch, period, previous, missing))
    return {key: found[key] for key in METRICS}


def values_of(data: dict[str, MetricData], previous: Period | None) -> tuple[dict, dict | None]:
    """The node's figures over the period and over the one it is compared with ({metric: value}
    each, the latter None without one), as dashboards.summary.node_summary(values=...) takes them."""
    now = {key: d.now for key, d in data.items()}
    return now, ({key: d.before for key, d in data.items()} if previous else None)


def read_metrics(branch: Branch, period: Period, previous: Period | None, keys: list[str]) -> dict[str, MetricData]:
    """The metrics' data from the store: at most five queries for any number of metrics (their
    rows by month over both periods, the distinct counts of each period, the splits)."""
    span = period_between(min(period.first, previous.first), max(period.last, previous.last)) if previous else period
    rows = query(branch_ids=[branch.pk], period=span, metrics=keys, by=("month",))
    # Sums and stocks add up from the months; distinct counts cannot, and are read on their own.
    now = totals_of_months(rows, period)
    before = totals_of_months(rows, previous) if previous else {}
    distinct = [key for key in keys if METRICS[key].aggregation == DISTINCT]
    if distinct:
        now |= totals_by_branch([branch.pk], period, metrics=distinct)[branch.pk]
        if previous:
            before |= totals_by_branch([branch.pk], previous, metrics=distinct)[branch.pk]
    current, earlier = _series(rows, period, previous, keys)
    splits = _splits(branch, period, [key for key in keys if key in SPLIT_METRICS])
    return {
        key: MetricData(
            now=now[key],
            before=before[key] if previous else None,
            current=current[key],
            previous=earlier.get(key, []),
            splits=splits.get(key, {}),
            split_lists={
                dimension: split_items_html({"metric": key, "items": items})
                for dimension, items in splits.get(key, {}).items()
            },
        )
        for key in keys
    }


def _series(rows: list, period: Period, previous: Period | None, keys: list[str]) -> tuple[dict, dict]:
    """The monthly series of the period and of the one it is compared with."""
    current: dict[str, list] = {key: [] for key in keys}
    before: dict[str, list] = {key: [] for key in keys} if previous else {}
    now_months, before_months = set(period.months), set(previous.months) if previous else set()
    for row in rows:
        if row.month in now_months:
            current[row.metric].append(number(row.value))
        if row.month in before_months:
            before[row.metric].append(number(row.value))
    return current, before


def _splits(branch: Branch, period: Period, keys: list[str]) -> dict[str, dict[str, list]]:
    """{metric: {dimension: items, largest first}} over the period: one query."""
    found: dict[str, dict[str, list]] = {}
    if not keys:
        return found
    for row in query(branch_ids=[branch.pk], period=period, metrics=keys, splits="*"):
        if row.split == TOTAL or not row.value:
            continue
        dimension = row.split.partition(":")[0]
        found.setdefault(row.metric, {}).setdefault(dimension, []).append(
            {"name": split_label(row.metric, row.split), "value": number(row.value)}
        )
    for dimensions in found.values():
        for items in dimensions.values():
            items.sort(key=lambda item: -item["value"])
    return found
