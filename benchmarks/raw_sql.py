"""The raw SQL each figure is compared with: GROUP BY over the record tables, no roll-up store.

Built from the same `measures` declarations as the store, through the ORM where it can be (so
SQLite runs it too for the smoke run); the per-node roll-up uses plain SQL.
"""

import time

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import Substr, TruncMonth

from branches.models import PATH_SEGMENT_WIDTH, Branch, path_ids
from core.catalogue import DISTINCT, LAST
from metrics.rebuild import measure_filter
from metrics.rollup import many_to_many, record_models


def _aggregates(measures) -> dict:
    out = {}
    for i, m in enumerate(measures):
        if m.spec.aggregation == DISTINCT:
            continue
        out[f"v{i}"] = (
            Count("id", filter=measure_filter(m)) if m.value is None else Sum(m.value, filter=measure_filter(m))
        )
    return out


def _groups(model):
    """(date field, its measures) of a record kind."""
    by_date: dict[str, list] = {}
    for measure in model.measures:
        by_date.setdefault(measure.date_field, []).append(measure)
    return by_date.items()


def _timed(queries) -> float:
    """Run the querysets (fetching every row) and return the seconds taken."""
    started = time.perf_counter()
    for qs in queries:
        list(qs)
    return time.perf_counter() - started


def dashboard_queries(node: Branch, period, previous) -> list:
    """What a node's dashboard shows, straight from the records: per child (or the node's own
    records), month and every split dimension, for the period and the year before, one GROUP BY
    per table; stocks from their beginning; distinct counts per child, per month and per split."""
    child = Substr("branch__path", 1, len(node.path) + PATH_SEGMENT_WIDTH + 1)
    first = previous.first if previous else period.first
    queries = []
    for model in record_models():
        for date_field, measures in _groups(model):
            dims = sorted({d for m in measures for d in m.spec.split_by})
            stock = any(m.spec.aggregation == LAST for m in measures)
            since = {} if stock else {f"{date_field}__gte": first}
            base = model.objects.filter(
                branch__path__startswith=node.path, **since, **{f"{date_field}__lte": period.end_date}
            )
            aggregates = _aggregates(measures)
            if aggregates:
                queries.append(
                    base.annotate(child=child, m=TruncMonth(date_field))
                    .values("child", "m", *dims)
                    .annotate(**aggregates)
                )
            for m in (m for m in measures if m.spec.aggregation == DISTINCT):
                current = base.filter(**{f"{date_field}__gte": period.first}).filter(measure_filter(m))
                distinct = Count(m.member, distinct=True)
                queries.append(current.annotate(child=child).values("child").annotate(n=distinct).order_by())
                queries.append(base.annotate(m=TruncMonth(date_field)).values("m").annotate(n=distinct).order_by())
                for dim in m.spec.split_by:
                    queries.append(current.values(dim).annotate(n=distinct).order_by())
    return [q.order_by() for q in queries]


def dashboard_seconds(node, period, previous) -> float:
    return _timed(dashboard_queries(node, period, previous))


def api_queries(node: Branch, period, metric: str) -> list:
    """One metric by children and month over the period (the metrics API question)."""
    child = Substr("branch__path", 1, len(node.path) + PATH_SEGMENT_WIDTH + 1)
    queries = []
    for model in record_models():
        for date_field, measures in _groups(model):
            wanted = [m for m in measures if m.metric == metric]
            if not wanted:
                continue
            qs = model.objects.filter(
                branch__path__startswith=node.path,
                **{f"{date_field}__gte": period.first, f"{date_field}__lte": period.end_date},
            )
            queries.append(
                qs.annotate(child=child, m=TruncMonth(date_field)).values("child", "m").annotate(**_aggregates(wanted))
            )
    return [q.order_by() for q in queries]


def api_seconds(node, period, metric: str) -> float:
    return _timed(api_queries(node, period, metric))


# --- the rebuild's question: every node (with all its ancestors) by month and split -------------


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('month', r.{column})"
    return f"strftime('%Y-%m', r.{column})"


def _measure_sql(model, measure) -> str:
    """The aggregate of one measure in plain SQL (the measure's conditions included)."""
    compiler_qs = model.objects.filter(measure_filter(measure)) if (measure.when or measure.unless) else None
    condition = "1 = 1"
    params: list = []
    if compiler_qs is not None:
        where, params = compiler_qs.query.get_compiler(connection=connection).compile(compiler_qs.query.where)
        condition = where.replace(f'"{model._meta.db_table}".', "r.")
    if measure.spec.aggregation == DISTINCT:
        column = model._meta.get_field(measure.member).column
        return f"COUNT(DISTINCT CASE WHEN {condition} THEN r.{column} END)", params
    if measure.value is None:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)", params
    column = model._meta.get_field(measure.value).column
    return f"SUM(CASE WHEN {condition} THEN r.{column} END)", params


def _sql_aggregates(model, measures) -> tuple[list[str], list, list[str]]:
    """The measures' SQL aggregates, their parameters, and the columns they are split by."""
    aggregates, params = [], []
    for m in measures:
        if m.member and many_to_many(model, m.member):
            continue  # members over a relation need a join of their own; the baseline leaves them out
        sql, p = _measure_sql(model, m)
        aggregates.append(sql)
        params += p
    dims = sorted({model._meta.get_field(d).column for m in measures for d in m.spec.split_by})
    return aggregates, params, dims


def node_month_statements() -> list[tuple[str, list]]:
    """One statement per record table (and date field): every measure per node (the record's
    own and each ancestor), month, and split dimension — what the roll-up store holds.

    PostgreSQL does all split dimensions in one pass (GROUPING SETS); SQLite, one GROUP BY each."""
    statements = []
    for model in record_models():
        for date_field, measures in _groups(model):
            column = model._meta.get_field(date_field).column
            aggregates, params, dims = _sql_aggregates(model, measures)
            source = (
                f"FROM {model._meta.db_table} r JOIN bench_closure c ON c.branch_id = r.branch_id "
                f"WHERE r.{column} IS NOT NULL"
            )
            month = _month_sql(column)
            if connection.vendor == "postgresql":
                sets = ", ".join(["(c.ancestor_id, m)", *(f"(c.ancestor_id, m, r.{d})" for d in dims)])
                statements.append(
                    (
                        f"SELECT COUNT(*) FROM (SELECT c.ancestor_id, {month} AS m, {', '.join(aggregates)} {source} "
                        f"GROUP BY GROUPING SETS ({sets})) g",
                        params,
                    )
                )
                continue
            for dim in (None, *dims):
                group = f"c.ancestor_id, {month}" + (f", r.{dim}" if dim else "")
                statements.append(
                    (
                        f"SELECT COUNT(*) FROM (SELECT {group}, {', '.join(aggregates)} {source} GROUP BY {group}) g",
                        params,
                    )
                )
    return statements


def own_month_statements() -> list[tuple[str, list]]:
    """For comparison: one scan per table grouped by the record's own node, month and all split
    dimensions together (no ancestors) — the least any rebuild must read."""
    statements = []
    for model in record_models():
        for date_field, measures in _groups(model):
            column = model._meta.get_field(date_field).column
            aggregates, params, dims = _sql_aggregates(model, measures)
            group = ", ".join([f"r.branch_id, {_month_sql(column)}", *(f"r.{d}" for d in dims)])
            statements.append(
                (
                    f"SELECT COUNT(*) FROM (SELECT {group}, {', '.join(aggregates)} FROM {model._meta.db_table} r "
                    f"WHERE r.{column} IS NOT NULL GROUP BY {group}) g",
                    params,
                )
            )
    return statements


def _closure(cursor) -> None:
    cursor.execute("DROP TABLE IF EXISTS bench_closure")
    cursor.execute("CREATE TEMPORARY TABLE bench_closure (branch_id bigint, ancestor_id bigint)")
    rows = [(pk, a) for pk, path in Branch.objects.values_list("id", "path") for a in path_ids(path)]
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        cursor.execute(
            "INSERT INTO bench_closure (branch_id, ancestor_id) VALUES " + ", ".join(["(%s, %s)"] * len(chunk)),
            [x for row in chunk for x in row],
        )


def group_by_seconds(statements, *, closure: bool, settings: dict) -> float:
    """Seconds to run the statements in one transaction, with the rebuild's session settings."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, value in settings.items():
                cursor.execute(f"SET LOCAL {name} = '{value}'")
        started = time.perf_counter()
        if closure:
            _closure(cursor)
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
        seconds = time.perf_counter() - started
        if closure:
            cursor.execute("DROP TABLE bench_closure")
    return seconds
