"""Writes measured: a bulk import through the real import path, against PostgreSQL COPY of the
same rows, and `rebuild_metrics --verify`, against the raw GROUP BY of the same question."""

import csv
import datetime
import io
import statistics
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEntry
from benchmarks import raw_sql
from branches.models import Branch, Staff
from metrics.rebuild import PG_SETTINGS
from records.services import record_bulk_create
from services.models import HomeVisit
from services.synthetic import TEAM

GROUPS = ["elderly", "disabled", "ill", "other"]
PURPOSES = ["pension", "account", "id_check", "card", "other"]


@dataclass
class ImportResult:
    rows: int
    seconds: float
    copy_seconds: float
    copy_method: str
    copy_fk_seconds: float | None  # the same COPY with the record table's foreign keys (PostgreSQL)
    copy_record_seconds: float | None  # COPY into the record and link tables (PostgreSQL): the goal's baseline
    copy_records_alone_seconds: float | None = None  # the records' COPY without their teams
    rounds: int = 1  # the import and the goal's baseline timed in turn, each figure the median


IMPORT_ROUNDS = 3


def import_rows(branch: Branch, n: int, year: int) -> list[dict]:
    """A ledger of `n` home visits at the outlets below `branch`, spread over `year`."""
    outlets = list(Branch.objects.filter(path__startswith=branch.path, level=Branch.Level.OUTLET).order_by("code"))
    outlets = outlets or [branch]
    today = timezone.localdate()
    rows = []
    for i in range(n):
        day = datetime.date(year, 1 + i % 12, 1 + (i // 12) % 28)
        rows.append(
            {
                "branch": outlets[i % len(outlets)],
                "occurred_on": min(day, today),
                "customer_group": GROUPS[i % 4],
                "customer_name_masked": "王**",
                "customer_age_band": "80_plus",
                "purpose": PURPOSES[i % 5],
                "duration_minutes": 20 + i % 90,
                "notes": f"第{i}次上门",
            }
        )
    return rows


def teams(rows: list[dict]) -> list[list[Staff]]:
    """Each row's team of two (a home visit needs two staff): two staff members of its outlet,
    made where the outlet has fewer (a network generated before synthetic teams; the caller's
    transaction rolls them back with the rows)."""
    outlets = {row["branch"].pk: row["branch"] for row in rows}
    found: dict[int, list[Staff]] = {pk: [] for pk in outlets}
    for member in Staff.objects.filter(branch_id__in=outlets).order_by("pk"):
        found[member.branch_id].append(member)
    for pk, members in found.items():
        for name in TEAM[len(members) :]:
            members.append(Staff.objects.create(branch=outlets[pk], name=name))
    return [found[row["branch"].pk][:2] for row in rows]


def import_seconds(user, rows: list[dict]) -> float:
    """record_bulk_create of the rows with their teams (scope, validation, audit, roll-up), then rolled back so
    the benchmark database stays as generated. Deferred constraint checks run immediately, so
    the time includes them."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        m2m_rows = [{"staff": team} for team in teams(rows)]
        started = time.perf_counter()
        created = record_bulk_create(
            HomeVisit, user=user, rows=rows, m2m_rows=m2m_rows, action=AuditEntry.Action.IMPORT
        )
        seconds = time.perf_counter() - started
        if len(created) != len(rows):
            raise RuntimeError(f"imported {len(created)} of {len(rows)} rows")
        transaction.set_rollback(True)
    return seconds


def _values(rows: list[dict]) -> tuple[list[str], list[list]]:
    """The columns and database values of the rows as HomeVisit records would store them."""
    fields = [f for f in HomeVisit._meta.concrete_fields if not f.primary_key]
    out = []
    for fields_given in rows:
        obj = HomeVisit(**fields_given)
        obj._pending_relations = {"staff": TEAM}  # no column: any two names stand in for the team
        obj.full_clean(validate_unique=False, validate_constraints=False)  # sets derived fields
        out.append([f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields])
    return [f.column for f in fields], out


def copy_into_record_table_seconds(rows: list[dict], *, teams_too: bool = True) -> float:
    """Seconds to COPY the same rows into the record table itself and their teams (two staff
    each, as the import writes them) into its link table, with the tables' foreign keys (checked
    immediately, as the import's are) and every index at its real size, then rolled back: the
    physical limit of an import that keeps the integrity rules (issue 19's restated goal).
    PostgreSQL only."""
    from records.bulk import reserve_ids

    columns, values = _values(rows)
    table = HomeVisit._meta.db_table
    field = HomeVisit._meta.get_field("staff")
    links = field.remote_field.through._meta.db_table
    link_columns = [field.m2m_column_name(), field.m2m_reverse_name()]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ids = reserve_ids(connection, HomeVisit, len(rows))
        buffer, link_buffer = io.StringIO(), io.StringIO()
        writer = csv.writer(buffer)
        for pk, row in zip(ids, values, strict=True):
            writer.writerow([pk, *("\\N" if v is None else v for v in row)])
        for pk, team in zip(ids, teams(rows) if teams_too else [], strict=False):
            link_buffer.write("".join(f"{pk}\t{member.pk}\n" for member in team))
        buffer.seek(0)
        link_buffer.seek(0)
        started = time.perf_counter()
        cursor.cursor.copy_expert(
            f"COPY {table} (id, {', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )
        if teams_too:
            cursor.cursor.copy_expert(f"COPY {links} ({', '.join(link_columns)}) FROM STDIN", link_buffer)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def copy_seconds(rows: list[dict], *, foreign_keys: bool = False) -> tuple[float, str]:
    """Seconds to load the same rows into a scratch table shaped like the record table (its
    indexes included): COPY on PostgreSQL; on SQLite, which has no COPY, one executemany.
    foreign_keys: the scratch table also gets the record table's foreign keys, checked as the
    import's are (immediately)."""
    columns, values = _values(rows)
    table = HomeVisit._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in values:
                writer.writerow(["\\N" if v is None else v for v in row])
            buffer.seek(0)
            cursor.execute(f"CREATE TABLE bench_copy_scratch (LIKE {table} INCLUDING ALL)")
            if foreign_keys:
                cursor.execute(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                    [table],
                )
                for (definition,) in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE bench_copy_scratch ADD {definition}")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            started = time.perf_counter()
            cursor.cursor.copy_expert(
                f"COPY bench_copy_scratch ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
            )
            seconds = time.perf_counter() - started
            method = "COPY"
        else:
            cursor.execute(f"CREATE TABLE bench_copy_scratch AS SELECT * FROM {table} WHERE 0")
            started = time.perf_counter()
            cursor.executemany(
                f"INSERT INTO bench_copy_scratch ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                values,
            )
            seconds = time.perf_counter() - started
            method = "executemany (SQLite has no COPY)"
        transaction.set_rollback(True)
    return seconds, method


def measure_import(user, branch: Branch, n: int, year: int, rounds: int = IMPORT_ROUNDS) -> ImportResult:
    """The import of `n` rows and its baselines. On PostgreSQL the import and the goal's baseline
    (COPY into the record table) are timed in turn, `rounds` times, and each figure is the median
    of its rounds: the host's and the disk's speed drift by tens of percent within minutes, and
    the two timed once, a minute apart, gave 0.41 to 0.76 × COPY for the same code."""
    rows = import_rows(branch, n, year)
    postgres = connection.vendor == "postgresql"
    imports, copies = [], []
    for _round in range(rounds if postgres else 1):
        imports.append(import_seconds(user, rows))
        if postgres:
            copies.append(copy_into_record_table_seconds(rows))
    copy, method = copy_seconds(rows)
    with_keys = copy_seconds(rows, foreign_keys=True)[0] if postgres else None
    alone = copy_into_record_table_seconds(rows, teams_too=False) if postgres else None
    if postgres:
        vacuum_home_visits()
    into_table = statistics.median(copies) if copies else None
    return ImportResult(n, statistics.median(imports), copy, method, with_keys, into_table, alone, len(imports))


def vacuum_home_visits() -> None:
    """The measurements' rolled-back rows leave dead index entries behind (hundreds of thousands
    a run, too few for autovacuum on a table of millions): a list of a province's visits would
    read them for nothing until the next vacuum. The bench leaves the tables as it found them."""
    field = HomeVisit._meta.get_field("staff")
    with connection.cursor() as cursor:
        for table in (HomeVisit._meta.db_table, field.remote_field.through._meta.db_table):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


@dataclass
class RebuildResult:
    seconds: float
    output: str
    node_month_seconds: float
    own_month_seconds: float


def measure_rebuild() -> RebuildResult:
    """rebuild_metrics --verify (raises CommandError when the store differed), then the raw
    GROUP BYs with the same session settings."""
    out = io.StringIO()
    started = time.perf_counter()
    call_command("rebuild_metrics", "--verify", stdout=out)
    seconds = time.perf_counter() - started
    node_month = raw_sql.group_by_seconds(raw_sql.node_month_statements(), closure=True, settings=PG_SETTINGS)
    own_month = raw_sql.group_by_seconds(raw_sql.own_month_statements(), closure=False, settings=PG_SETTINGS)
    return RebuildResult(seconds, out.getvalue().strip(), node_month, own_month)
