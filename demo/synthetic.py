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

from branches.models import Branch, path_segment
from core.kinds import record_kinds

CODE_PREFIX = "SYN"
# Share of records per kind (by model name) and its generator below.
KIND_SHARES = {
    "lovestationtally": 0.30,
    "homevisit": 0.18,
    "outreachevent": 0.10,
    "awarenesssession": 0.10,
    "cashservice": 0.10,
    "financing": 0.10,
    "volunteeractivity": 0.06,
    "intervention": 0.03,
    "honour": 0.02,
    "team": 0.01,
}
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

    def _branches(self, n: int, pool=None, weights=None) -> list[Branch]:
        return self.rng.choices(pool or self.outlets, weights=weights or self.outlet_weights, k=n)

    def _days(self, n: int) -> list[datetime.date]:
        return self.rng.choices(self.days, weights=self.day_weights, k=n)

    def rows(self, model_name: str, n: int) -> Iterator[dict]:
        make = getattr(self, "_" + model_name)
        chunk = 50_000
        for start in range(0, n, chunk):
            size = min(chunk, n - start)
            yield from make(size)

    def _base(self, branch, day) -> dict:
        return {
            "branch_id": branch.pk,
            "occurred_on": day.isoformat(),
            "notes": "",
            "created_by_id": None,
            "created_at": self.now,
            "updated_at": self.now,
            "version": 1,
        }

    def _homevisit(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            yield self._base(b, d) | {
                "customer_group": r.choices(["elderly", "disabled", "ill", "other"], [70, 15, 12, 3])[0],
                "customer_name_masked": "王**",
                "customer_age_band": r.choice(["60_69", "70_79", "80_plus"]),
                "purpose": r.choice(["pension", "account", "id_check", "card", "other"]),
                "duration_minutes": r.randint(20, 120),
                "recording_ref": "",
                "follow_up_due": (d + datetime.timedelta(days=3)).isoformat(),
                "follow_up_done_on": (d + datetime.timedelta(days=2)).isoformat(),
            }

    def _outreachevent(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            yield self._base(b, d) | {
                "venue_type": r.choice(["community", "school", "enterprise", "park", "market"]),
                "place": "",
                "theme": r.choice(["anti_fraud", "pension", "digital", "counterfeit", "other"]),
                "attendees": r.randint(10, 150),
            }

    def _awarenesssession(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            yield self._base(b, d) | {
                "venue_type": r.choice(["community", "school", "enterprise", "outlet", "market", "other"]),
                "place": "",
                "audience": r.randint(10, 300),
                "partner": r.choice(["none", "police", "community", "school"]),
            }

    def _cashservice(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            pieces = r.randint(50, 5000)
            yield self._base(b, d) | {
                "service": r.choice(["coin_counting", "damaged_notes", "bulk_counting"]),
                "customer_type": r.choice(["school", "merchant", "institution", "individual"]),
                "customer_description": "",
                "pieces_counted": pieces,
                "amount": f"{pieces * 0.5:.2f}",
                "staff_hours": "1.0",
            }

    def _financing(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            name = r.choice(self.enterprises)
            sector = r.choices(["tech", "green", "inclusive", "pension", "digital"], [30, 15, 45, 5, 5])[0]
            yield self._base(b, d) | {
                "sector": sector,
                "product": "other",
                "counterparty": name,
                "credit_code": "",
                "entities_covered": 1,
                "amount": f"{r.randint(10, 5000) * 10000:.2f}",
                "counterparty_key": "name:" + name,
            }

    def _lovestationtally(self, n):
        r = self.rng
        groups = ["sanitation", "courier", "delivery", "taxi", "other"]
        services = ["water", "microwave", "charging", "rest", "toilet", "first_aid", "reading", "knowledge"]
        combos = [(g, s) for g in groups for s in services]
        if not self.stations:
            return
        weight_of = dict(zip((b.pk for b in self.outlets), self.outlet_weights, strict=True))
        weights = [weight_of[s.pk] for s in self.stations]
        produced, seen = 0, self.tallies_seen
        while produced < n:
            station = r.choices(self.stations, weights=weights)[0]
            day = self._days(1)[0]
            for index in r.sample(range(len(combos)), k=r.randint(1, 6)):
                key = (station.pk * 1_000_000 + day.toordinal()) * 100 + index
                if key in seen:
                    continue
                seen.add(key)
                g, s = combos[index]
                yield self._base(station, day) | {"visitor_group": g, "service": s, "count": r.randint(1, 12)}
                produced += 1
                if produced >= n:
                    return

    def _volunteeractivity(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            p = r.randint(2, 30)
            yield self._base(b, d) | {
                "theme": r.choice(["lei_feng", "left_behind_children", "elderly", "community", "environment", "other"]),
                "place": "",
                "participants": p,
                "beneficiaries": p * r.randint(1, 10),
                "hours": f"{p * r.choice([2, 3, 4]):.1f}",
            }

    def _intervention(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            status = r.choices(["suspected", "police_attended", "confirmed", "customer_proceeded"], [10, 30, 50, 10])[0]
            at_risk = r.randint(1, 500) * 1000
            yield self._base(b, d) | {
                "occurred_time": None,
                "channel": r.choice(["counter_cash", "transfer", "atm", "online"]),
                "fraud_type": r.choice(
                    [
                        "high_yield",
                        "fake_investment",
                        "impersonate_police",
                        "click_farming",
                        "online_loan",
                        "impersonate_service",
                        "romance",
                        "other",
                    ]
                ),
                "customer_name_masked": "",
                "customer_age_band": "",
                "amount_at_risk": f"{at_risk:.2f}",
                "status": status,
                "police_unit": "派出所" if status in ("police_attended", "confirmed") else "",
                "amount_protected": f"{at_risk:.2f}" if status == "confirmed" else None,
            }

    def _honour(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            yield self._base(b, d) | {
                "kind": r.choices(["pennant", "commendation_letter", "praise_ticket", "title"], [30, 20, 45, 5])[0],
                "level": r.choice(["customer", "community", "district", "city", "bank_branch"]),
                "title": "荣誉",
                "issuer": "",
                "recipient_staff_id": None,
                "valid_until": None,
                "star_level": None,
                "linked_type_id": None,
                "linked_id": None,
            }

    def _team(self, n):
        r = self.rng
        for b, d in zip(self._branches(n), self._days(n), strict=True):
            disbanded = d + datetime.timedelta(days=r.randint(200, 900)) if r.random() < 0.15 else None
            if disbanded and disbanded > timezone.localdate():
                disbanded = None
            yield self._base(b, d) | {
                "kind": r.choice(["party_model_post", "party_commando", "youth_vanguard", "volunteer_team"]),
                "name": "队伍",
                "members": r.randint(3, 20),
                "disbanded_on": disbanded.isoformat() if disbanded else None,
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
    models = {k.model._meta.model_name: k.model for k in record_kinds()}
    for name, share in KIND_SHARES.items():
        n = math.floor(records * share)
        counts[name] = _load(models[name], generator.rows(name, n))
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: autovacuum would take minutes to notice millions of
        # new rows, and until then the dashboards' record queries pick plans for empty tables.
        with connection.cursor() as cursor:
            for model in [Branch, *models.values()]:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {"outlets": len(outlet_rows), "branches": Branch.objects.count(), "records": counts}
