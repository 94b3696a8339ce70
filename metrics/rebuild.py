"""Rebuild the roll-up store from the records, inside the database.

For each record kind, one GROUP BY over its table gives its per-node, per-month totals with
every split dimension (the same `measures` declarations the incremental updates read). Those
rows are rolled up to every ancestor through a temporary closure table, compared with the store,
and only if they differ is the store replaced. Portable SQL: PostgreSQL and SQLite alike.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from branches.models import Branch, path_ids
from metrics.catalogue import DISTINCT
from metrics.models import DistinctMember, MetricValue

STAGE_TABLES = ("rb_closure", "rb_own", "rb_values", "rb_members", "rb_final", "rb_final_members")


def _exec(cursor, sql: str, params=()) -> None:
    cursor.execute(sql, params)


def _drop_stage(cursor) -> None:
    for table in STAGE_TABLES:
        _exec(cursor, f"DROP TABLE IF EXISTS {table}")


def _measure_filter(measure) -> Q:
    q = Q()
    if measure.when:
        q &= Q(**measure.when)
    if measure.unless:
        q &= ~Q(**measure.unless)
    return q


def _own_query(model, date_field: str, dims: list[str], aggregates: dict, member: str | None = None):
    """SQL of the per-node, per-month GROUP BY over one record table."""
    group = ["branch_id", "m", *dims] + ([member] if member else [])
    qs = (
        model.objects.filter(**{f"{date_field}__isnull": False})
        .annotate(m=TruncMonth(date_field))
        .values(*group)
        .annotate(**aggregates)
        .order_by()
    )
    return qs.query.sql_with_params()


def _stage_closure(cursor) -> None:
    _exec(cursor, "CREATE TEMPORARY TABLE rb_closure (branch_id bigint NOT NULL, ancestor_id bigint NOT NULL)")
    rows = [(pk, a) for pk, path in Branch.objects.values_list("id", "path") for a in path_ids(path)]
    cursor.executemany("INSERT INTO rb_closure (branch_id, ancestor_id) VALUES (%s, %s)", rows)
    _exec(cursor, "CREATE INDEX rb_closure_branch ON rb_closure (branch_id)")


def _stage_model(cursor, model) -> None:
    by_date: dict[str, list] = {}
    for measure in model.measures:
        by_date.setdefault(measure.date_field, []).append(measure)
    for date_field, measures in by_date.items():
        sums = [m for m in measures if m.spec.aggregation != DISTINCT]
        if sums:
            dims = sorted({d for m in sums for d in m.spec.split_by})
            aggregates = {
                f"v{i}": (
                    Count("id", filter=_measure_filter(m))
                    if m.value is None
                    else Sum(m.value, filter=_measure_filter(m))
                )
                for i, m in enumerate(sums)
            }
            sql, params = _own_query(model, date_field, dims, aggregates)
            _exec(cursor, f"CREATE TEMPORARY TABLE rb_own AS SELECT * FROM ({sql}) own", params)
            for i, m in enumerate(sums):
                for dim in (None, *m.spec.split_by):
                    split = f"'{dim}:' || o.{dim}" if dim else "''"
                    group_split = f", {split}" if dim else ""  # PostgreSQL refuses GROUP BY ''
                    _exec(
                        cursor,
                        f"INSERT INTO rb_values (branch_id, month, metric, split, value) "
                        f"SELECT c.ancestor_id, o.m, %s, {split}, CAST(ROUND(SUM(o.v{i}) * %s) AS BIGINT) * %s "
                        f"FROM rb_own o JOIN rb_closure c ON c.branch_id = o.branch_id "
                        f"WHERE o.v{i} IS NOT NULL GROUP BY c.ancestor_id, o.m{group_split}",
                        [m.metric, m.spec.scale, m.sign],
                    )
            _exec(cursor, "DROP TABLE rb_own")
        for m in (m for m in measures if m.spec.aggregation == DISTINCT):
            dims = list(m.spec.split_by)
            sql, params = _own_query(model, date_field, dims, {"n": Count("id", filter=_measure_filter(m))}, m.member)
            _exec(cursor, f"CREATE TEMPORARY TABLE rb_own AS SELECT * FROM ({sql}) own", params)
            for dim in (None, *dims):
                split = f"'{dim}:' || o.{dim}" if dim else "''"
                group_split = f", {split}" if dim else ""
                _exec(
                    cursor,
                    f"INSERT INTO rb_members (branch_id, month, metric, split, member, refs) "
                    f"SELECT c.ancestor_id, o.m, %s, {split}, o.{m.member}, SUM(o.n) * %s "
                    f"FROM rb_own o JOIN rb_closure c ON c.branch_id = o.branch_id "
                    f"WHERE o.n > 0 GROUP BY c.ancestor_id, o.m{group_split}, o.{m.member}",
                    [m.metric, m.sign],
                )
            _exec(cursor, "DROP TABLE rb_own")


def _stage(cursor, models) -> None:
    """Build rb_final and rb_final_members: what the store should hold."""
    _drop_stage(cursor)
    _stage_closure(cursor)
    _exec(
        cursor,
        "CREATE TEMPORARY TABLE rb_values (branch_id bigint, month date, metric varchar(50), split varchar(100), value bigint)",
    )
    _exec(
        cursor,
        "CREATE TEMPORARY TABLE rb_members (branch_id bigint, month date, metric varchar(50), split varchar(100), "
        "member varchar(250), refs bigint)",
    )
    for model in models:
        _stage_model(cursor, model)
    _exec(
        cursor,
        "CREATE TEMPORARY TABLE rb_final AS SELECT branch_id, month, metric, split, SUM(value) AS value "
        "FROM rb_values GROUP BY branch_id, month, metric, split HAVING SUM(value) <> 0",
    )
    _exec(
        cursor,
        "CREATE TEMPORARY TABLE rb_final_members AS SELECT branch_id, month, metric, split, member, SUM(refs) AS refs "
        "FROM rb_members GROUP BY branch_id, month, metric, split, member HAVING SUM(refs) <> 0",
    )


_VALUE_KEYS = ("branch_id", "month", "metric", "split")
_MEMBER_KEYS = (*_VALUE_KEYS, "member")


def _differences(cursor, stage: str, store: str, keys, column: str, limit: int = 20) -> tuple[int, list[str]]:
    on = " AND ".join(f"f.{k} = s.{k}" for k in keys)
    cols = ", ".join(f"f.{k}" for k in keys)
    scols = ", ".join(f"s.{k}" for k in keys)
    sql = (
        f"SELECT {cols}, f.{column}, s.{column} FROM {stage} f LEFT JOIN {store} s ON {on} "
        f"WHERE s.{column} IS NULL OR s.{column} <> f.{column} "
        f"UNION ALL "
        f"SELECT {scols}, NULL, s.{column} FROM {store} s LEFT JOIN {stage} f ON {on} "
        f"WHERE f.{keys[0]} IS NULL AND s.{column} <> 0"
    )
    _exec(cursor, f"SELECT COUNT(*) FROM ({sql}) d")
    count = cursor.fetchone()[0]
    lines = []
    if count:
        _exec(cursor, f"{sql} LIMIT {int(limit)}")
        for row in cursor.fetchall():
            *key, expected, actual = row
            lines.append(f"{tuple(key)}: store {actual or 0}, records {expected or 0}")
    return count, lines


def _replace(cursor, stage: str, store: str, columns) -> None:
    cols = ", ".join(columns)
    _exec(cursor, f"DELETE FROM {store}")
    _exec(cursor, f"INSERT INTO {store} ({cols}) SELECT {cols} FROM {stage}")


def _models(models):
    if models is not None:
        return list(models)
    from metrics.store import record_models

    return record_models()


@transaction.atomic
def rebuild(models=None) -> dict:
    """Recompute the store from the records; replace it if it differed. Reports the differences."""
    vt, mt = MetricValue._meta.db_table, DistinctMember._meta.db_table
    with connection.cursor() as cursor:
        _stage(cursor, _models(models))
        n_values, value_lines = _differences(cursor, "rb_final", vt, _VALUE_KEYS, "value")
        n_members, member_lines = _differences(cursor, "rb_final_members", mt, _MEMBER_KEYS, "refs")
        if n_values:
            _replace(cursor, "rb_final", vt, (*_VALUE_KEYS, "value"))
        if n_members:
            _replace(cursor, "rb_final_members", mt, (*_MEMBER_KEYS, "refs"))
        _exec(cursor, "SELECT COUNT(*) FROM rb_final")
        rows = cursor.fetchone()[0]
        _exec(cursor, "SELECT COUNT(*) FROM rb_final_members")
        member_rows = cursor.fetchone()[0]
        _drop_stage(cursor)
    return {
        "rows": rows,
        "member_rows": member_rows,
        "differences": n_values + n_members,
        "examples": value_lines + member_lines,
    }


def compute_from_records(models=None) -> tuple[Counter, Counter]:
    """What the store should hold, as Counters keyed like metrics.store.current_store()."""
    with transaction.atomic(), connection.cursor() as cursor:
        _stage(cursor, _models(models))
        sums = Counter(
            {
                (b, m, metric, split): v
                for b, m, metric, split, v in _fetch(
                    cursor, "SELECT branch_id, month, metric, split, value FROM rb_final"
                )
            }
        )
        members = Counter(
            {
                (b, m, metric, split, member): r
                for b, m, metric, split, member, r in _fetch(
                    cursor, "SELECT branch_id, month, metric, split, member, refs FROM rb_final_members"
                )
            }
        )
        _drop_stage(cursor)
    return sums, members


def _fetch(cursor, sql):
    import datetime

    _exec(cursor, sql)
    for row in cursor.fetchall():
        month = row[1]
        if isinstance(month, str):
            month = datetime.date.fromisoformat(month[:10])
        elif isinstance(month, datetime.datetime):
            month = month.date()
        yield (row[0], month, *row[2:-1], int(row[-1]))
