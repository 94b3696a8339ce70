"""Reads of the roll-up store: the only way dashboards, exports, the API and the CLI get numbers.

Whatever the tree's size, a call issues two queries (one for sums and stocks, one for distinct
counts) and never touches the record tables. The SQL is written out rather than built by the
ORM: these are the hottest queries of the portal, and building them costs more than running them.
Both go down the leading columns of the store's unique indexes (branch, metric, split, ...).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from core.catalogue import DISTINCT, LAST, METRICS, SUM
from core.periods import Period
from metrics.models import DistinctCount, DistinctMember, MetricValue

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


def _in(column: str, values, params: list) -> str:
    values = list(values)
    if not values:
        return "1 = 0"
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _split_condition(splits, params: list) -> str:
    """splits: None for totals only; "*" for every split; or a dimension name (a key range, so
    the index serves it whatever the collation)."""
    if splits is None:
        return "split = ''"
    if splits == "*":
        return "split <> ''"
    params.extend([f"{splits}:", f"{splits};"])  # ";" sorts right after ":"
    return "split >= %s AND split < %s"


def _day(value):
    return connection.ops.adapt_datefield_value(value)


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def calendar_slot(period: Period) -> str | None:
    """The precomputed distinct count that answers the period ("m8", "q3", "total"), if any."""
    first, last = period.first, period.last
    if first.year != last.year:
        return None
    if first == last:
        return f"m{first.month}"
    if first.month % 3 == 1 and last.month == first.month + 2:
        return f"q{(first.month + 2) // 3}"
    if first.month == 1 and last.month == 12:
        return "total"
    return None


def _any_month(months) -> str:
    return "(" + " OR ".join(f"m{m} > 0" for m in months) + ")"


def present_in(period: Period, params: list) -> str:
    """SQL: DistinctMember rows whose member counts somewhere in the period."""
    first, last = period.first, period.last
    if first.year == last.year:
        params.append(first.year)
        return f"(year = %s AND {_any_month(range(first.month, last.month + 1))})"
    params.extend([first.year, first.year, last.year, last.year])
    return (
        f"((year = %s AND {_any_month(range(first.month, 13))}) "
        f"OR (year > %s AND year < %s AND {_any_month(range(1, 13))}) "
        f"OR (year = %s AND {_any_month(range(1, last.month + 1))}))"
    )


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _values(found, branch_ids, sum_keys, last_keys, period: Period, splits, by_month: bool, by_split: bool) -> None:
    """Sums over the period and stocks (running sums of monthly changes) in one statement."""
    table = MetricValue._meta.db_table
    split_col = "split" if by_split else "''"
    parts, params = [], []
    if sum_keys:
        month_col = "month" if by_month else "NULL"
        where = [
            _in("branch_id", branch_ids, params),
            _in("metric", sum_keys, params),
            _split_condition(splits, params),
            "month >= %s AND month <= %s",
        ]
        params += [_day(period.first), _day(period.last)]
        group = "branch_id, metric" + (", month" if by_month else "") + (", split" if by_split else "")
        parts.append(
            f"SELECT branch_id, metric, {month_col}, {split_col}, SUM(value) FROM {table} "  # noqa: S608
            f"WHERE {' AND '.join(where)} GROUP BY {group}"
        )
    if last_keys:
        where = [
            _in("branch_id", branch_ids, params),
            _in("metric", last_keys, params),
            _split_condition(splits, params),
            "month <= %s",
        ]
        params.append(_day(period.last))
        group = "branch_id, metric, month" + (", split" if by_split else "")
        parts.append(
            f"SELECT branch_id, metric, month, {split_col}, SUM(value) FROM {table} "  # noqa: S608
            f"WHERE {' AND '.join(where)} GROUP BY {group}"
        )
    running: dict[tuple, dict] = defaultdict(dict)
    for branch_id, metric, month, split, value in _fetch(" UNION ALL ".join(parts), params):
        if METRICS[metric].aggregation == LAST:
            running[(branch_id, metric, split)][_as_date(month)] = int(value)
        else:
            found[(branch_id, metric, _as_date(month) if month is not None else None, split)] += int(value)
    # A stock: the running sum of monthly changes from the beginning up to each month.
    for (branch_id, metric, split), changes in running.items():
        level = sum(v for m, v in changes.items() if m < period.first)
        for month in period.months:
            level += changes.get(month, 0)
            if by_month:
                found[(branch_id, metric, month, split)] += level
        if not by_month:
            found[(branch_id, metric, None, split)] += level


def _distinct(found, branch_ids, keys, period: Period, splits, by_month: bool, by_split: bool) -> None:
    """Distinct counts: precomputed for months, quarters and years; counted off the member rows
    for any other span."""
    slot = calendar_slot(period)
    split_col = "split" if by_split else "''"
    params: list = []
    if by_month or slot:
        years = sorted({m.year for m in period.months})
        columns = [f"m{m}" for m in range(1, 13)] if by_month else [slot]
        where = [
            _in("branch_id", branch_ids, params),
            _in("metric", keys, params),
            _split_condition(splits, params),
            _in("year", years, params),
        ]
        sql = (
            f"SELECT branch_id, metric, {split_col}, year, {', '.join(columns)} "  # noqa: S608
            f"FROM {DistinctCount._meta.db_table} WHERE {' AND '.join(where)}"
        )
        for branch_id, metric, split, year, *values in _fetch(sql, params):
            if not by_month:
                found[(branch_id, metric, None, split)] += values[0]
                continue
            for index, value in enumerate(values):
                month = datetime.date(year, index + 1, 1)
                if value and period.first <= month <= period.last:
                    found[(branch_id, metric, month, split)] += value
        return
    where = [
        _in("branch_id", branch_ids, params),
        _in("metric", keys, params),
        _split_condition(splits, params),
    ]
    where.append(present_in(period, params))
    group = "branch_id, metric" + (", split" if by_split else "")
    sql = (
        f"SELECT branch_id, metric, {split_col}, COUNT(DISTINCT member) "  # noqa: S608
        f"FROM {DistinctMember._meta.db_table} WHERE {' AND '.join(where)} GROUP BY {group}"
    )
    for branch_id, metric, split, value in _fetch(sql, params):
        found[(branch_id, metric, None, split)] += value


def query(*, branch_ids, period: Period, metrics=None, by=(), splits=None) -> list[Row]:
    """Values of `metrics` over `period` for each of `branch_ids` (each one's whole subtree).

    by: any of "month", "split" to break the figures down further; rows for every
    (branch, metric) asked are returned, zero where nothing was recorded.
    """
    keys = check_metrics(metrics)
    branch_ids = list(branch_ids)
    by_month, by_split = "month" in by, "split" in by or splits is not None
    found: dict[tuple, int] = defaultdict(int)
    sum_keys = [k for k in keys if METRICS[k].aggregation == SUM]
    last_keys = [k for k in keys if METRICS[k].aggregation == LAST]
    distinct_keys = [k for k in keys if METRICS[k].aggregation == DISTINCT]
    if branch_ids and (sum_keys or last_keys):
        _values(found, branch_ids, sum_keys, last_keys, period, splits, by_month, by_split)
    if branch_ids and distinct_keys:
        _distinct(found, branch_ids, distinct_keys, period, splits, by_month, by_split)

    split_values: dict[tuple, set] = defaultdict(set)
    if by_split:
        for branch_id, metric, _month, split in found:
            split_values[(branch_id, metric)].add(split)
    rows = []
    months = period.months if by_month else [None]
    for branch_id in branch_ids:
        for metric in keys:
            spec = METRICS[metric]
            for split in sorted(split_values[(branch_id, metric)]) if by_split else [TOTAL]:
                for month in months:
                    raw = found.get((branch_id, metric, month, split), 0)
                    rows.append(Row(branch_id, metric, month, split, spec.from_store(raw)))
    return rows


def totals(branch, period: Period, metrics=None) -> dict[str, object]:
    """{metric: value} for the branch's subtree over the period."""
    return {r.metric: r.value for r in query(branch_ids=[branch.pk], period=period, metrics=metrics)}


def totals_of_months(rows: list[Row], period: Period) -> dict[str, object]:
    """{metric: value} over the period, worked out from one branch's rows by month (query(...,
    by=("month",)) over any span that covers the period): a sum adds its months up, a stock is
    its level in the period's last month. Distinct counts cannot be added up from months: they
    are left out, for totals(metrics=...) to count."""
    out: dict[str, object] = {}
    for row in rows:
        if row.month is None or not period.first <= row.month <= period.last:
            continue
        spec = METRICS[row.metric]
        if spec.aggregation == SUM:
            out[row.metric] = out.get(row.metric, spec.from_store(0)) + row.value
        elif spec.aggregation == LAST and row.month == period.last:
            out[row.metric] = row.value
    return out


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
    params: list = [branch.pk, metric]
    where = ["branch_id = %s", "metric = %s", _in("split", split_keys, params), present_in(period, params)]
    sql = (
        f"SELECT COUNT(DISTINCT member) FROM {DistinctMember._meta.db_table} "  # noqa: S608
        f"WHERE {' AND '.join(where)}"
    )
    return _fetch(sql, params)[0][0]
