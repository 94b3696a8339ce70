"""Checksums of the roll-up store, per node, computed from the records and from the store
(PostgreSQL): how rebuild_metrics verifies tens of millions of store rows in about the time of
one scan of the record tables.

A node's checksum is the sum, over its store rows, of value x weight(row key), where the weight
is a 64-bit hash of the key (metric, split, month; for members also the member and year). The
sum is exact (numeric) and linear in the values, so the checksum of what the store should hold
can be summed straight off the records, one scan per table grouped by branch, and rolled up the
tree over the ~20,000 nodes instead of the millions of rows; the store side is one scan of each
store table, grouped by branch. Rows that differ change the sum unless their differences happen
to cancel against 64-bit random weights (odds about 2**-60); any node whose checksums differ is
then compared row by row by the full rebuild, which also repairs it.

The distinct counts are checked against the member rows of the store (verified above): the
count of a month, quarter or year is the number of member rows present there.
"""

import hashlib

from django.db import connection

from core.catalogue import DISTINCT
from metrics.models import MONTH_FIELDS, DistinctCount, DistinctMember, MetricValue
from metrics.rollup import COUNT_FIELDS, many_to_many

EPOCH = "DATE '1970-01-01'"


def _constant(name: str) -> int:
    """A fixed pseudo-random 31-bit weight (same in every run and on every side): small enough
    that a row's weighted counters add up in bigint arithmetic."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") >> 1 | 1


MONTH_WEIGHTS = [_constant(f"month-{k}") for k in range(1, 13)]
SLOT_WEIGHTS = [_constant(f"slot-{slot}") for slot in COUNT_FIELDS]


def _key_hash(split_sql: str, metric_sql: str, month_sql: str) -> str:
    """The weight of a MetricValue row: a 64-bit hash of (metric, split, month)."""
    return f"hashtextextended({split_sql}, hashtext({metric_sql}) # ({month_sql} - {EPOCH}))::numeric"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _condition(model, lookups: dict, params: list) -> str:
    """SQL of a Measure's when/unless lookups (exact, __in, __isnull), as Measure supports."""
    parts = []
    for lookup, expected in lookups.items():
        name, _sep, op = lookup.partition("__")
        column = model._meta.get_field(name).column
        if op == "":
            parts.append(f"{column} = %s")
            params.append(expected)
        elif op == "in":
            parts.append(f"{column} IN ({', '.join(['%s'] * len(expected))})")
            params.extend(expected)
        elif op == "isnull":
            parts.append(f"{column} IS {'' if expected else 'NOT '}NULL")
        else:
            raise ValueError(f"unsupported lookup {lookup!r} in a Measure")
    return " AND ".join(parts) or "TRUE"


def _measure_condition(model, measure, params: list) -> str:
    cond = _condition(model, measure.when, params)
    if measure.unless:
        cond = f"({cond}) AND NOT ({_condition(model, measure.unless, params)})"
    return cond


def _record_checksums(model, date_field: str, measures, m2m: str | None = None) -> tuple[str, list]:
    """One scan of a record table: per branch, the checksum of its own store rows.

    m2m: the measures count the related objects of this many-to-many field: the table is
    joined to the relation's, each related object's key (as text) a member."""
    table = model._meta.db_table
    source, member_sql = table, None
    if m2m:
        field = model._meta.get_field(m2m)
        through = field.remote_field.through._meta
        own = through.get_field(field.m2m_field_name()).column
        other = through.get_field(field.m2m_reverse_field_name()).column
        source = f"{table} JOIN {through.db_table} rel ON rel.{own} = {table}.id"
        member_sql = f"rel.{other}::text"
    date = model._meta.get_field(date_field).column
    month = f"date_trunc('month', {date})::date"
    value_params: list = []
    member_params: list = []
    value_terms, member_terms = [], []
    for m in measures:
        metric = _quote(m.metric)
        splits = ["''", *(f"{_quote(d + ':')} || {model._meta.get_field(d).column}" for d in m.spec.split_by)]
        if m.spec.aggregation == DISTINCT:
            cond = _measure_condition(model, m, member_params)
            member = member_sql or model._meta.get_field(m.member).column
            seed = f"EXTRACT(YEAR FROM {date})::bigint"
            weight = " + ".join(
                f"hashtextextended({member}, hashtextextended({s}, hashtext({metric})) # {seed})::numeric"
                for s in splits
            )
            month_weight = "CASE EXTRACT(MONTH FROM {d})::int {w} END".format(
                d=date, w=" ".join(f"WHEN {k} THEN {c}" for k, c in enumerate(MONTH_WEIGHTS, 1))
            )
            member_terms.append(f"CASE WHEN {cond} THEN {m.sign} * ({weight}) * {month_weight} ELSE 0 END")
            continue
        cond = _measure_condition(model, m, value_params)
        raw = "1" if m.value is None else model._meta.get_field(m.value).column
        weight = " + ".join(_key_hash(s, metric, month) for s in splits)
        value_terms.append(
            f"CASE WHEN {cond} AND {raw} IS NOT NULL THEN ROUND(({raw})::numeric * {m.spec.scale}) * {m.sign} * ({weight}) "
            f"ELSE 0 END"
        )
    value_sum = f"SUM({' + '.join(value_terms)})" if value_terms else "0"
    member_sum = f"SUM({' + '.join(member_terms)})" if member_terms else "0"
    sql = (
        f"SELECT {table}.branch_id, {value_sum}, {member_sum} FROM {source} "  # noqa: S608
        f"WHERE {date} IS NOT NULL GROUP BY {table}.branch_id"
    )
    return sql, value_params + member_params


def _store_sql() -> list[tuple[str, str]]:
    """(name, SQL) of the store side: per branch, the checksum and the number of rows."""
    mv, dm, dc = MetricValue._meta.db_table, DistinctMember._meta.db_table, DistinctCount._meta.db_table
    members = " + ".join(f"{f}::bigint * {c}" for f, c in zip(MONTH_FIELDS, MONTH_WEIGHTS, strict=True))
    present = [f"{f} > 0" for f in MONTH_FIELDS]
    conditions = [*present, *(" OR ".join(present[3 * q : 3 * q + 3]) for q in range(4)), " OR ".join(present)]
    presence = " + ".join(
        f"CASE WHEN {cond} THEN {w}::bigint ELSE 0 END" for cond, w in zip(conditions, SLOT_WEIGHTS, strict=True)
    )
    counts = " + ".join(f"{f}::bigint * {w}" for f, w in zip(COUNT_FIELDS, SLOT_WEIGHTS, strict=True))
    group_key = "(hashtextextended(split, hashtext(metric)) # year)::numeric"
    nonzero_members = " OR ".join(f"{f} <> 0" for f in MONTH_FIELDS)
    nonzero_counts = " OR ".join(f"{f} <> 0" for f in COUNT_FIELDS)
    return [
        (
            "values",
            f"SELECT branch_id, SUM(value::numeric * {_key_hash('split', 'metric', 'month')}), "
            f"COUNT(*) FROM {mv} WHERE value <> 0 GROUP BY branch_id",
        ),
        (
            "members",
            f"SELECT branch_id, SUM(hashtextextended(member, hashtextextended(split, hashtext(metric)) # year)::numeric "
            f"* ({members})::numeric), COUNT(*), SUM({group_key} * ({presence})::numeric) FROM {dm} WHERE {nonzero_members} "
            f"GROUP BY branch_id",
        ),
        (
            "counts",
            f"SELECT branch_id, SUM({group_key} * ({counts})::numeric), COUNT(*) FROM {dc} WHERE {nonzero_counts} "
            f"GROUP BY branch_id",
        ),
    ]


def mismatches(cursor, models, ancestors: dict[int, list[int]]) -> dict:
    """Compare the checksums; `ancestors` gives every node's ancestors (itself included).
    Returns the rows counted and the nodes that differ."""
    own_values: dict[int, int] = {}
    own_members: dict[int, int] = {}
    for model in models:
        by_date: dict[tuple, list] = {}
        for measure in model.measures:
            m2m = measure.member if measure.member and many_to_many(model, measure.member) else None
            by_date.setdefault((measure.date_field, m2m), []).append(measure)
        for (date_field, m2m), measures in by_date.items():
            sql, params = _record_checksums(model, date_field, measures, m2m)
            cursor.execute(sql, params)
            for branch_id, values, members in cursor.fetchall():
                own_values[branch_id] = own_values.get(branch_id, 0) + int(values or 0)
                own_members[branch_id] = own_members.get(branch_id, 0) + int(members or 0)
    expected_values = _rolled_up(own_values, ancestors)
    expected_members = _rolled_up(own_members, ancestors)
    store = {}
    for name, sql in _store_sql():
        cursor.execute(sql)
        store[name] = {row[0]: row[1:] for row in cursor.fetchall()}
    actual_values = {b: int(s) for b, (s, _n) in store["values"].items()}
    actual_members = {b: int(s) for b, (s, _n, _p) in store["members"].items()}
    # The counts the member rows imply, against the counts kept.
    implied_counts = {b: int(p) for b, (_s, _n, p) in store["members"].items()}
    actual_counts = {b: int(s) for b, (s, _n) in store["counts"].items()}
    return {
        "values": _differing(expected_values, actual_values),
        "members": _differing(expected_members, actual_members),
        "counts": _differing(implied_counts, actual_counts),
        "rows": sum(n for _s, n in store["values"].values()),
        "member_rows": sum(n for _s, n, _p in store["members"].values()),
        "count_rows": sum(n for _s, n in store["counts"].values()),
    }


def _rolled_up(own: dict[int, int], ancestors: dict[int, list[int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for branch_id, value in own.items():
        if value:
            for node in ancestors.get(branch_id, [branch_id]):
                out[node] = out.get(node, 0) + value
    return out


def _differing(expected: dict, actual: dict) -> list[int]:
    return sorted(b for b in set(expected) | set(actual) if expected.get(b, 0) != actual.get(b, 0))


def supported() -> bool:
    return connection.vendor == "postgresql"
