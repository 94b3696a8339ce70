"""A synthetic national network and records for scale benchmarks (manage.py generate_network).

Five levels (head office, provinces, cities, sub-branches, outlets); records of every kind with
realistic skew: a few busy outlets and many quiet ones (Pareto weights), seasonal months,
love-station tallies only at outlets with a station. PostgreSQL loads through COPY; SQLite (for
small sizes) through executemany. Records carry no audit entries: this is a benchmark load,
not user input. The roll-up store is rebuilt from the records afterwards.
"""

import csv
import datetime
import io
import math
import random
from collections.abc import Iterator

from django.db import connection, transaction
from django.utils import timezone

from branches.models import Branch, Staff, path_segment
from core.kinds import record_kinds

CODE_PREFIX = "SYN"
# Fewer records around the Spring Festival, more in the summer and at year end.
MONTH_WEIGHTS = [0.7, 0.6, 1.0, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 1.0, 1.1, 1.3]


def build_network(outlets: int, rng: random.Random, prefix: str = CODE_PREFIX) -> list[Branch]:
    """Create the tree with bulk inserts; returns the outlets."""
    provinces = max(1, round(outlets / 450)) if outlets >= 450 else max(1, outlets // 8 or 1)
    provinces = min(provinces, 36)
    cities = max(provinces, min(430, round(outlets / 37)))
    subs = max(cities, round(outlets / 8))

    def make(level, parents, count, code_of):
        rows = []
        for i in range(count):
            parent = parents[i % len(parents)] if parents else None
            rows.append(Branch(code=code_of(i, parent), name=f"{level} {i + 1}", level=level, parent=parent, path="-"))
        created = Branch.objects.bulk_create(rows, batch_size=2000)
        for b in created:
            b.path = (b.parent.path if b.parent else "") + path_segment(b.pk)
            b.depth = b.parent.depth + 1 if b.parent else 0
            if level == Branch.Level.OUTLET and rng.random() < 0.2:
                b.love_station_since = rng.randint(2015, 2024)
        Branch.objects.bulk_update(created, ["path", "depth", "love_station_since"], batch_size=2000)
        return created

    head = make(Branch.Level.HEAD_OFFICE, [], 1, lambda i, p: prefix)
    prov = make(Branch.Level.PROVINCE, head, provinces, lambda i, p: f"{prefix}-P{i + 1:02d}")
    city = make(Branch.Level.CITY, prov, cities, lambda i, p: f"{p.code}-C{i + 1:03d}")
    sub = make(Branch.Level.SUB_BRANCH, city, subs, lambda i, p: f"{p.code}-S{i + 1:04d}")
    return make(Branch.Level.OUTLET, sub, outlets, lambda i, p: f"{p.code}-O{i + 1:05d}")


def _month_days(years: range) -> tuple[list[datetime.date], list[float]]:
    today = timezone.localdate()
    days, weights = [], []
    for year in years:
        for month in range(1, 13):
            for day in range(1, 29):
                d = datetime.date(year, month, day)
                if d <= today:
                    days.append(d)
                    weights.append(MONTH_WEIGHTS[month - 1])
    return days, weights


class RecordGenerator:
    def __init__(self, outlets: list[Branch], years: range, rng: random.Random):
        self.rng = rng
        self.outlets = outlets
        # Pareto: a few busy outlets, most quiet.
        self.outlet_weights = [rng.paretovariate(1.3) for _ in outlets]
        self.stations = [b for b in outlets if b.love_station_since]
        self.days, self.day_weights = _month_days(years)
        self.enterprises = [f"企业{n:06d}" for n in range(max(1000, len(outlets) * 5))]
        self.now = timezone.now().isoformat()
        self.tallies_seen: set[int] = set()  # (station, day, group, service) must stay unique

    def pick_branches(self, n: int, pool=None, weights=None) -> list[Branch]:
        return self.rng.choices(pool or self.outlets, weights=weights or self.outlet_weights, k=n)

    def pick_days(self, n: int) -> list[datetime.date]:
        return self.rng.choices(self.days, weights=self.day_weights, k=n)

    def rows(self, kind, n: int) -> Iterator[dict]:
        make = kind.synthetic.rows
        chunk = 50_000
        for start in range(0, n, chunk):
            size = min(chunk, n - start)
            yield from make(self, size)

    def base(self, branch, day) -> dict:
        return {
            "branch_id": branch.pk,
            "occurred_on": day.isoformat(),
            "notes": "",
            "created_by_id": None,
            "created_at": self.now,
            "updated_at": self.now,
            "version": 1,
        }


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if not f.primary_key]


def _defaults(model) -> dict:
    """Values of the columns a generator does not set (fields added later keep their default)."""
    return {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in model._meta.concrete_fields
        if not f.primary_key
    }


def _load(model, rows: Iterator[dict]) -> int:
    columns = _columns(model)
    table = model._meta.db_table
    defaults = _defaults(model)
    total = 0
    batch: list[dict] = []

    def flush():
        nonlocal total
        if not batch:
            return
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in batch:
                writer.writerow(["\\N" if row[c] is None else row[c] for c in columns])
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(  # table and columns come from the model, never from input
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
                    [[row[c] for c in columns] for row in batch],
                )
        total += len(batch)
        batch.clear()

    for row in rows:
        batch.append(row if len(row) == len(columns) else defaults | row)
        if len(batch) >= 50_000:
            flush()
    flush()
    return total


@transaction.atomic
def generate(outlets: int, records: int, seed: int, years: range, prefix: str = CODE_PREFIX) -> dict:
    """Build a network whose root is coded `prefix` (codes below start with it) and its records."""
    rng = random.Random(seed)
    if Branch.objects.filter(code=prefix).exists():
        raise ValueError(f"A synthetic network ({prefix}) is already in this database.")
    outlet_rows = build_network(outlets, rng, prefix)
    generator = RecordGenerator(outlet_rows, years, rng)
    counts = {}
    kinds = [k for k in record_kinds() if k.synthetic is not None]
    # Shares are relative weights: a new kind takes its part of `records` without the others
    # being re-tuned so that every share adds up to one.
    total_share = sum(k.synthetic.share for k in kinds)
    for kind in kinds:
        n = math.floor(records * kind.synthetic.share / total_share)
        counts[kind.model._meta.model_name] = _load(kind.model, generator.rows(kind, n))
        if kind.synthetic.links:
            kind.synthetic.links(generator)
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: autovacuum would take minutes to notice millions of
        # new rows, and until then the dashboards' record queries pick plans for empty tables.
        # The staff and the kinds' link tables (a home visit's team) too: the exports read the
        # staff lists through them.
        links = [field.remote_field.through for k in kinds for field in k.model._meta.many_to_many]
        with connection.cursor() as cursor:
            for model in [Branch, Staff, *(k.model for k in kinds), *links]:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {"outlets": len(outlet_rows), "branches": Branch.objects.count(), "records": counts}
