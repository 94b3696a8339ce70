"""Reads of the roll-up store: the only way dashboards, exports, the API and the CLI get numbers.

Whatever the tree's size, a call issues at most one query per aggregation kind (sum, last,
distinct) and never touches the record tables.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum

from metrics.catalogue import DISTINCT, LAST, METRICS, SUM
from metrics.models import DistinctMember, MetricValue
from metrics.periods import Period

TOTAL = ""


@dataclass(frozen=True)
class Row:
    branch_id: int
    metric: str
    month: object  # datetime.date or None
    split: str
    value: object  # int or Decimal


class UnknownMetric(ValueError):
    def __init__(self, key):
        self.key = key
        super().__init__(key)


def check_metrics(keys) -> list[str]:
    keys = list(keys) if keys else list(METRICS)
    for key in keys:
        if key not in METRICS:
            raise UnknownMetric(key)
    return keys


def _split_filter(qs, splits):
    """splits: None for totals only; "*" for every split; or a dimension name."""
    if splits is None:
        return qs.filter(split=TOTAL)
    if splits == "*":
        return qs.exclude(split=TOTAL)
    return qs.filter(split__startswith=f"{splits}:")


def query(*, branch_ids, period: Period, metrics=None, by=(), splits=None) -> list[Row]:
    """Values of `metrics` over `period` for each of `branch_ids` (each one's whole subtree).

    by: any of "month", "split" to break the figures down further; rows for every
    (branch, metric) asked are returned, zero where nothing was recorded.
    """
    keys = check_metrics(metrics)
    branch_ids = list(branch_ids)
    by_month, by_split = "month" in by, "split" in by or splits is not None
    groups = ["branch_id", "metric"] + (["month"] if by_month else []) + (["split"] if by_split else [])
    found: dict[tuple, int] = defaultdict(int)

    def key_of(row):
        return (row["branch_id"], row["metric"], row.get("month"), row.get("split", TOTAL))

    sum_keys = [k for k in keys if METRICS[k].aggregation == SUM]
    last_keys = [k for k in keys if METRICS[k].aggregation == LAST]
    distinct_keys = [k for k in keys if METRICS[k].aggregation == DISTINCT]

    if sum_keys:
        qs = MetricValue.objects.filter(
            branch_id__in=branch_ids, metric__in=sum_keys, month__gte=period.first, month__lte=period.last
        )
        for row in _split_filter(qs, splits).values(*groups).annotate(v=Sum("value")).order_by():
            found[key_of(row)] += row["v"]

    if last_keys:
        # A stock: the running sum of monthly changes from the beginning up to each month.
        qs = MetricValue.objects.filter(branch_id__in=branch_ids, metric__in=last_keys, month__lte=period.last)
        last_groups = ["branch_id", "metric", "month"] + (["split"] if by_split else [])
        running: dict[tuple, dict] = defaultdict(dict)
        for row in _split_filter(qs, splits).values(*last_groups).annotate(v=Sum("value")).order_by():
            running[(row["branch_id"], row["metric"], row.get("split", TOTAL))][row["month"]] = row["v"]
        for (branch_id, metric, split), changes in running.items():
            level = sum(v for m, v in changes.items() if m < period.first)
            for month in period.months:
                level += changes.get(month, 0)
                if by_month:
                    found[(branch_id, metric, month, split)] += level
            if not by_month:
                found[(branch_id, metric, None, split)] += level

    if distinct_keys:
        qs = DistinctMember.objects.filter(
            branch_id__in=branch_ids,
            metric__in=distinct_keys,
            month__gte=period.first,
            month__lte=period.last,
            refs__gt=0,
        )
        for row in _split_filter(qs, splits).values(*groups).annotate(v=Count("member", distinct=True)).order_by():
            found[key_of(row)] += row["v"]

    rows = []
    months = period.months if by_month else [None]
    for branch_id in branch_ids:
        for metric in keys:
            spec = METRICS[metric]
            split_values = (
                sorted({k[3] for k in found if k[0] == branch_id and k[1] == metric}) if by_split else [TOTAL]
            )
            for split in split_values:
                for month in months:
                    raw = found.get((branch_id, metric, month, split), 0)
                    rows.append(Row(branch_id, metric, month, split, spec.from_store(raw)))
    return rows


def totals(branch, period: Period, metrics=None) -> dict[str, object]:
    """{metric: value} for the branch's subtree over the period."""
    return {r.metric: r.value for r in query(branch_ids=[branch.pk], period=period, metrics=metrics)}


def totals_by_branch(branch_ids, period: Period, metrics=None) -> dict[int, dict[str, object]]:
    out: dict[int, dict[str, object]] = defaultdict(dict)
    for r in query(branch_ids=branch_ids, period=period, metrics=metrics):
        out[r.branch_id][r.metric] = r.value
    return out


def monthly(branch, period: Period, metrics=None) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = defaultdict(list)
    for r in query(branch_ids=[branch.pk], period=period, metrics=metrics, by=("month",)):
        out[r.metric].append((r.month, r.value))
    return out


def split_totals(branch, period: Period, metric: str, dimension: str | None = None) -> dict[str, object]:
    """{split key: value} for one metric; `dimension` limits to one split dimension."""
    rows = query(branch_ids=[branch.pk], period=period, metrics=[metric], splits=dimension or "*")
    return {r.split: r.value for r in rows}


def distinct_over_splits(branch, period: Period, metric: str, split_keys: list[str]) -> int:
    """Distinct members across several splits together (e.g. enterprises across three products)."""
    return (
        DistinctMember.objects.filter(
            branch=branch,
            metric=metric,
            split__in=split_keys,
            month__gte=period.first,
            month__lte=period.last,
            refs__gt=0,
        )
        .values("member")
        .distinct()
        .count()
    )
