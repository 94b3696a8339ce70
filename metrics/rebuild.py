"""Rebuild the roll-up store from the records, inside the database.

1. One GROUP BY per record table (per date field) reads every record once and gives its own
   node's totals by month and by every split dimension together (rb_leaf); the kind's
   `measures` (the same declarations the incremental updates read) turn those into store rows of
   the record's own node (rb_own, rb_own_members).
2. The tree is rolled up level by level, deepest first: each level is its own rows plus its
   children's totals, so a record is added once per level, never joined to all its ancestors.
3. The distinct counts are counted off the member rows.
4. The result is compared with the store (every row, by its key and values) and only the rows
   that differ are replaced.

Staging lives in temporary tables (no WAL, dropped at the end). Portable SQL: PostgreSQL and
SQLite alike; on PostgreSQL the store is locked against writers (readers go on) while the
rebuild runs, so the records and the store it compares are one consistent state.
"""

import datetime
from collections import Counter

from django.db import connection, transaction
from django.db.models import CharField, Count, Q, Sum, UniqueConstraint
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, TruncMonth

from branches.models import Branch, path_ids
from core.catalogue import DISTINCT
from core.freshness import data_changed
from metrics import checksums
from metrics.models import MONTH_FIELDS, DistinctCount, DistinctMember, MetricValue
from metrics.rollup import COUNT_FIELDS, count_key, m2m_members, many_to_many

VALUE_KEYS = ("branch_id", "metric", "split", "month")
MEMBER_KEYS = ("branch_id", "metric", "split", "year", "member")
COUNT_KEYS = ("branch_id", "metric", "split", "year")
# Per-transaction settings of the rebuild on PostgreSQL (SET LOCAL: nothing outlives it).
PG_SETTINGS = {"work_mem": "512MB", "maintenance_work_mem": "1GB", "synchronous_commit": "off"}


def _exec(cursor, sql: str, params=()) -> None:
    cursor.execute(sql, params)


def _scalar(cursor, sql: str, params=()):
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


class Staging:
    """The temporary tables of one rebuild (names are fixed; a rebuild runs in one transaction)."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.postgres = connection.vendor == "postgresql"
        self.tables: list[str] = []
        self.views: list[str] = []
        self.depths: list[int] = []

    def table(self, name: str, sql: str, params=()) -> None:
        _exec(self.cursor, f"DROP TABLE IF EXISTS {name}")
        _exec(self.cursor, f"CREATE TEMPORARY TABLE {name} {sql}", params)
        self.tables.append(name)

    def view(self, name: str, parts: list[str]) -> None:
        _exec(self.cursor, f"DROP VIEW IF EXISTS {name}")
        _exec(self.cursor, f"CREATE TEMPORARY VIEW {name} AS " + " UNION ALL ".join(parts))
        self.views.append(name)

    def analyze(self, name: str) -> None:
        # Temporary tables get no statistics by themselves; the roll-up joins need them.
        if self.postgres:
            _exec(self.cursor, f"ANALYZE {name}")

    def drop(self) -> None:
        for name in reversed(self.views):
            _exec(self.cursor, f"DROP VIEW IF EXISTS {name}")
        for name in reversed(self.tables):
            _exec(self.cursor, f"DROP TABLE IF EXISTS {name}")
        self.tables, self.views = [], []


def measure_filter(measure) -> Q:
    """The records a measure counts: those matching its `when` and not its `unless`."""
    q = Q()
    if measure.when:
        q &= Q(**measure.when)
    if measure.unless:
        q &= ~Q(**measure.unless)
    return q


def _stage_nodes(stage: Staging) -> None:
    """rb_nodes: every node's parent and depth, read off the materialized path as the
    incremental updates do."""
    stage.table("rb_nodes", "(id bigint PRIMARY KEY, parent_id bigint, depth integer NOT NULL)")
    rows = []
    for pk, path in Branch.objects.values_list("id", "path"):
        ids = path_ids(path) or [pk]
        rows.append((pk, ids[-2] if len(ids) > 1 else None, len(ids) - 1))
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        _exec(
            stage.cursor,
            "INSERT INTO rb_nodes (id, parent_id, depth) VALUES " + ", ".join(["(%s, %s, %s)"] * len(chunk)),
            [x for row in chunk for x in row],
        )
    stage.analyze("rb_nodes")
    stage.depths = sorted({depth for _pk, _parent, depth in rows}, reverse=True)


def _leaf_sql(model, date_field: str, dims: list[str], members: list[str], aggregates: dict, m2m: str | None = None):
    """The one GROUP BY over a record table: per own node, month, split values (and member).

    m2m: a many-to-many field whose related objects are the members: the table is joined to
    the relation's, a record once per related object, under the column name `m2m`."""
    annotations = {"m": TruncMonth(date_field)}
    if members:
        annotations |= {"y": ExtractYear(date_field), "mo": ExtractMonth(date_field)}
    if m2m:
        # A record without related objects joins to NULL, which counts nowhere (_member_column).
        annotations[_member_column(m2m, m2m)] = Cast(m2m, CharField())
        members = [m for m in members if m != m2m]
    qs = (
        model.objects.filter(**{f"{date_field}__isnull": False})
        .annotate(**annotations)
        .values("branch_id", *annotations, *dims, *members)
        .annotate(**aggregates)
        .order_by()
    )
    return qs.query.sql_with_params()


def _member_column(member: str, m2m: str | None) -> str:
    """rb_leaf's column of a distinct measure's member."""
    return f"{member}_member" if member == m2m else member


def _split(dim: str | None) -> tuple[str, str]:
    """The split key's SQL and the GROUP BY addition it needs (PostgreSQL refuses GROUP BY '')."""
    if dim is None:
        return "''", ""
    return f"'{dim}:' || {dim}", f", {dim}"


def _passes(model, measures) -> list[tuple[str | None, list, list]]:
    """The GROUP BY passes over one date field's measures: (m2m field or None, sums, distincts).
    Members of a many-to-many field need their own pass, joined to the relation (a join would
    count a record's sums once per related object)."""
    sums = [m for m in measures if m.spec.aggregation != DISTINCT]
    distincts = [m for m in measures if m.spec.aggregation == DISTINCT]
    plain = [m for m in distincts if not many_to_many(model, m.member)]
    passes = [(None, sums, plain)] if sums or plain else []
    for name in m2m_members(model):
        passes.append((name, [], [m for m in distincts if m.member == name]))
    return passes


def _stage_model(stage: Staging, model) -> None:
    by_date: dict[str, list] = {}
    for measure in model.measures:
        by_date.setdefault(measure.date_field, []).append(measure)
    for date_field, all_measures in by_date.items():
        for m2m, sums, distincts in _passes(model, all_measures):
            if distincts or sums:
                _stage_pass(stage, model, date_field, sums, distincts, m2m)


def _stage_pass(stage: Staging, model, date_field: str, sums: list, distincts: list, m2m: str | None) -> None:
    measures = [*sums, *distincts]
    dims = sorted({d for m in measures for d in m.spec.split_by})
    members = sorted({m.member for m in distincts})
    aggregates = {
        f"v{i}": Count("id", filter=measure_filter(m)) if m.value is None else Sum(m.value, filter=measure_filter(m))
        for i, m in enumerate(sums)
    } | {f"n{j}": Count("id", filter=measure_filter(m)) for j, m in enumerate(distincts)}
    sql, params = _leaf_sql(model, date_field, dims, members, aggregates, m2m)
    stage.table("rb_leaf", f"AS SELECT n.depth, l.* FROM ({sql}) l JOIN rb_nodes n ON n.id = l.branch_id", params)
    for i, m in enumerate(sums):
        for dim in (None, *m.spec.split_by):
            split, group = _split(dim)
            _exec(
                stage.cursor,
                f"INSERT INTO rb_own (depth, branch_id, month, metric, split, value) "
                f"SELECT depth, branch_id, m, %s, {split}, CAST(ROUND(SUM(v{i}) * %s) AS BIGINT) * %s "
                f"FROM rb_leaf WHERE v{i} <> 0 GROUP BY depth, branch_id, m{group}",
                [m.metric, m.spec.scale, m.sign],
            )
    for j, m in enumerate(distincts):
        months = ", ".join(f"SUM(CASE WHEN mo = {k} THEN n{j} ELSE 0 END) * %s" for k in range(1, 13))
        member = _member_column(m.member, m2m)
        for dim in (None, *m.spec.split_by):
            split, group = _split(dim)
            _exec(
                stage.cursor,
                f"INSERT INTO rb_own_members (depth, branch_id, metric, split, year, member, {', '.join(MONTH_FIELDS)}) "
                f"SELECT depth, branch_id, %s, {split}, y, {member}, {months} "
                f"FROM rb_leaf WHERE n{j} > 0 AND {member} IS NOT NULL GROUP BY depth, branch_id, y, {member}{group}",
                [m.metric] + [m.sign] * 12,
            )
    _exec(stage.cursor, "DROP TABLE rb_leaf")
    stage.tables.remove("rb_leaf")


def _roll_up(stage: Staging, own: str, prefix: str, keys: tuple, columns: tuple) -> None:
    """One table per tree level, deepest first: the level's own rows plus its children's
    totals; a temporary view `{prefix}final` unites them."""
    others = [k for k in keys if k != "branch_id"]
    cols = ", ".join(columns)
    sums = ", ".join(f"SUM({c}) AS {c}" for c in columns)
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in columns)
    below = None
    for depth in stage.depths:
        parts = [f"SELECT branch_id, {', '.join(others)}, {cols} FROM {own} WHERE depth = {int(depth)}"]
        if below:
            parts.append(
                f"SELECT n.parent_id, {', '.join('c.' + k for k in others)}, {', '.join('c.' + c for c in columns)} "
                f"FROM {below} c JOIN rb_nodes n ON n.id = c.branch_id"
            )
        name = f"{prefix}{int(depth)}"
        stage.table(
            name,
            f"AS SELECT branch_id, {', '.join(others)}, {sums} FROM ({' UNION ALL '.join(parts)}) u "
            f"GROUP BY branch_id, {', '.join(others)} HAVING {nonzero}",
        )
        below = name
    select = f"SELECT {', '.join(keys)}, {cols} FROM "
    stage.view(f"{prefix}final", [select + f"{prefix}{int(d)}" for d in stage.depths])


def _stage_counts(stage: Staging) -> None:
    """rb_counts: the distinct counts of every month, quarter and year, off the member rows."""
    month = [f"{c} > 0" for c in MONTH_FIELDS]
    conditions = [*month, *(" OR ".join(month[3 * q : 3 * q + 3]) for q in range(4)), " OR ".join(month)]
    counts = ", ".join(
        f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {name}"
        for cond, name in zip(conditions, COUNT_FIELDS, strict=True)
    )
    stage.table(
        "rb_counts",
        f"AS SELECT branch_id, metric, split, year, {counts} FROM rb_members_final GROUP BY branch_id, metric, split, year",
    )


def _stage(cursor, models) -> Staging:
    """Build what the store should hold: rb_values_final, rb_members_final (views), rb_counts."""
    stage = Staging(cursor)
    _stage_nodes(stage)
    stage.table(
        "rb_own",
        "(depth integer, branch_id bigint, month date, metric varchar(50), split varchar(100), value bigint)",
    )
    stage.table(
        "rb_own_members",
        "(depth integer, branch_id bigint, metric varchar(50), split varchar(100), year integer, "
        f"member varchar(250), {', '.join(f'{c} bigint' for c in MONTH_FIELDS)})",
    )
    for model in models:
        _stage_model(stage, model)
    stage.analyze("rb_own")
    stage.analyze("rb_own_members")
    _roll_up(stage, "rb_own", "rb_values_", VALUE_KEYS, ("value",))
    _roll_up(stage, "rb_own_members", "rb_members_", MEMBER_KEYS, MONTH_FIELDS)
    _stage_counts(stage)
    return stage


def _nonzero(alias: str, columns) -> str:
    return "(" + " OR ".join(f"{alias}.{c} <> 0" for c in columns) + ")"


def _difference_sql(stage: str, store: str, keys, columns) -> str:
    """Rows of the stage and the store that differ: missing, extra (non-zero) or other values."""
    on = " AND ".join(f"f.{k} = s.{k}" for k in keys)
    differ = " OR ".join(f"f.{c} <> s.{c}" for c in columns)
    shown = ", ".join(
        [*(f"COALESCE(f.{k}, s.{k}) AS {k}" for k in keys), *(f"f.{c}" for c in columns), *(f"s.{c}" for c in columns)]
    )
    if connection.vendor == "postgresql":
        return (
            f"SELECT {shown} FROM {stage} f FULL JOIN {store} s ON {on} "
            f"WHERE (s.{keys[0]} IS NULL) OR (f.{keys[0]} IS NULL AND {_nonzero('s', columns)}) OR ({differ})"
        )
    return (
        f"SELECT {shown} FROM {stage} f LEFT JOIN {store} s ON {on} WHERE s.{keys[0]} IS NULL OR ({differ}) "
        f"UNION ALL SELECT {shown} FROM {store} s LEFT JOIN {stage} f ON {on} "
        f"WHERE f.{keys[0]} IS NULL AND {_nonzero('s', columns)}"
    )


def _differences(cursor, stage: str, store: str, keys, columns, limit: int = 20) -> tuple[int, list[str]]:
    sql = _difference_sql(stage, store, keys, columns)
    count = _scalar(cursor, f"SELECT COUNT(*) FROM ({sql}) d")
    lines = []
    if count:
        _exec(cursor, f"{sql} LIMIT {int(limit)}")
        for row in cursor.fetchall():
            key = row[: len(keys)]
            expected = row[len(keys) : len(keys) + len(columns)]
            actual = row[len(keys) + len(columns) :]
            show = (lambda values: values[0] or 0) if len(columns) == 1 else (lambda values: [v or 0 for v in values])
            lines.append(f"{tuple(key)}: store {show(actual)}, records {show(expected)}")
    return count, lines


def _replace(cursor, stage: str, store: str, keys, columns, differences: int, stage_rows: int) -> None:
    """Make the store equal the stage, touching only the rows that differ (all of them when
    most differ, as after a first load)."""
    cols = ", ".join((*keys, *columns))
    on = " AND ".join(f"f.{k} = {store}.{k}" for k in keys)
    same = " AND ".join(f"f.{c} = {store}.{c}" for c in columns)
    if differences * 2 >= stage_rows:
        _exec(cursor, f"DELETE FROM {store}")
    else:
        _exec(cursor, f"DELETE FROM {store} WHERE NOT EXISTS (SELECT 1 FROM {stage} f WHERE {on} AND {same})")
    on_store = " AND ".join(f"s.{k} = f.{k}" for k in keys)
    _exec(
        cursor,
        f"INSERT INTO {store} ({cols}) SELECT {', '.join('f.' + c for c in (*keys, *columns))} FROM {stage} f "
        f"WHERE NOT EXISTS (SELECT 1 FROM {store} s WHERE {on_store}) ORDER BY {', '.join('f.' + k for k in keys)}",
    )


def _fill(cursor, stage: str, model, keys, columns) -> None:
    """Load an empty store table; on PostgreSQL its unique index is built once afterwards,
    which is several times faster than growing it row by row."""
    store = model._meta.db_table
    cols = ", ".join((*keys, *columns))
    select = f"INSERT INTO {store} ({cols}) SELECT {cols} FROM {stage} ORDER BY {', '.join(keys)}"
    unique = next((c for c in model._meta.constraints if isinstance(c, UniqueConstraint)), None)
    if connection.vendor != "postgresql" or unique is None:
        _exec(cursor, select)
        return
    fields = [model._meta.get_field(f).column for f in unique.fields]
    _exec(cursor, f"ALTER TABLE {store} DROP CONSTRAINT {unique.name}")
    _exec(cursor, select)
    _exec(cursor, f"ALTER TABLE {store} ADD CONSTRAINT {unique.name} UNIQUE ({', '.join(fields)})")
    _exec(cursor, f"ANALYZE {store}")


def _models(models):
    if models is not None:
        return list(models)
    from metrics.rollup import record_models

    return record_models()


TABLES = (
    ("rb_values_final", MetricValue, VALUE_KEYS, ("value",)),
    ("rb_members_final", DistinctMember, MEMBER_KEYS, MONTH_FIELDS),
    ("rb_counts", DistinctCount, COUNT_KEYS, COUNT_FIELDS),
)


def _begin(cursor) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite: the transaction already holds the database's write lock
    for name, value in PG_SETTINGS.items():
        _exec(cursor, f"SET LOCAL {name} = '{value}'")
    stores = ", ".join(model._meta.db_table for _stage, model, _keys, _columns in TABLES)
    _exec(cursor, f"LOCK TABLE {stores} IN SHARE MODE")


def _ancestors() -> dict[int, list[int]]:
    return {pk: path_ids(path) or [pk] for pk, path in Branch.objects.values_list("id", "path")}


@transaction.atomic
def rebuild(models=None) -> dict:
    """Recompute the store from the records; replace the rows that differ. Reports the differences.

    On PostgreSQL the store is first checked against the records by checksums per node (see
    metrics.checksums); only when a node differs is the whole store recomputed row by row."""
    models = _models(models)
    with connection.cursor() as cursor:
        _begin(cursor)
        if checksums.supported():
            found = checksums.mismatches(cursor, models, _ancestors())
            if not (found["values"] or found["members"] or found["counts"]):
                return {
                    "differences": 0,
                    "examples": [],
                    "rows": found["rows"],
                    "member_rows": found["member_rows"],
                    "count_rows": found["count_rows"],
                    "checked": "checksums",
                }
        stage = _stage(cursor, models)
        report = {"differences": 0, "examples": [], "checked": "rows"}
        for name, model, keys, columns in TABLES:
            store = model._meta.db_table
            rows = _scalar(cursor, f"SELECT COUNT(*) FROM {name}")
            report[name] = rows
            if not _scalar(cursor, f"SELECT COUNT(*) FROM (SELECT 1 FROM {store} LIMIT 1) s"):
                # An empty store (a first build): every row is new.
                report["differences"] += rows
                _fill(cursor, name, model, keys, columns)
                continue
            count, lines = _differences(cursor, name, store, keys, columns)
            report["differences"] += count
            report["examples"] += lines
            if count:
                _replace(cursor, name, store, keys, columns, count, rows)
        stage.drop()
    if report["differences"]:
        data_changed()
    report["rows"] = report.pop("rb_values_final")
    report["member_rows"] = report.pop("rb_members_final")
    report["count_rows"] = report.pop("rb_counts")
    return report


def compute_from_records(models=None) -> tuple[Counter, Counter]:
    """What the store should hold, as Counters keyed like metrics.rollup.current_store()."""
    with transaction.atomic(), connection.cursor() as cursor:
        stage = _stage(cursor, _models(models))
        sums = Counter()
        _exec(cursor, "SELECT branch_id, month, metric, split, value FROM rb_values_final")
        for b, month, metric, split, value in cursor.fetchall():
            sums[(b, _date(month), metric, split)] = int(value)
        _exec(cursor, f"SELECT branch_id, metric, split, year, {', '.join(COUNT_FIELDS)} FROM rb_counts")
        for b, metric, split, year, *values in cursor.fetchall():
            for slot, value in zip(COUNT_FIELDS, values, strict=True):
                if value:
                    sums[(b, count_key(int(year), slot), metric, split)] = int(value)
        members = Counter()
        _exec(cursor, f"SELECT branch_id, metric, split, year, member, {', '.join(MONTH_FIELDS)} FROM rb_members_final")
        for b, metric, split, year, member, *months in cursor.fetchall():
            for index, refs in enumerate(months):
                if refs:
                    members[(b, datetime.date(int(year), index + 1, 1), metric, split, member)] = int(refs)
        stage.drop()
    return sums, members


def _date(value) -> datetime.date:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        return value.date()
    return value
