"""Rows of this app's kinds for the national-scale synthetic network (demo/synthetic.py):
plausible values, drawn from the generator's random source, outlets and days."""

import datetime

from django.db import connection

from branches.models import Staff
from services.models import HomeVisit

# Every synthetic outlet has a team of two, who make its home visits (a visit needs two staff).
TEAM = ("员工甲", "员工乙")


def home_visits(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        yield gen.base(b, d) | {
            "customer_group": r.choices(["elderly", "disabled", "ill", "other"], [70, 15, 12, 3])[0],
            "customer_name_masked": "王**",
            "customer_age_band": r.choice(["60_69", "70_79", "80_plus"]),
            "purpose": r.choice(["pension", "account", "id_check", "card", "other"]),
            "duration_minutes": r.randint(20, 120),
            "recording_ref": "",
            "follow_up_due": (d + datetime.timedelta(days=3)).isoformat(),
            "follow_up_done_on": (d + datetime.timedelta(days=2)).isoformat(),
        }


def home_visit_teams(gen) -> None:
    """Two staff members at every outlet, and each home visit's team: the two of its outlet
    (one set-based INSERT: the visits were loaded without ids known here)."""
    made = Staff.objects.bulk_create(
        [Staff(branch_id=outlet.pk, name=name) for outlet in gen.outlets for name in TEAM], batch_size=5000
    )
    if not made:
        return
    through = HomeVisit.staff.through
    own, other = HomeVisit.staff.field.m2m_column_name(), HomeVisit.staff.field.m2m_reverse_name()
    low, high = min(s.pk for s in made), max(s.pk for s in made)
    with connection.cursor() as cursor:
        cursor.execute(
            # Table and column names come from the models, never from input.
            f"INSERT INTO {through._meta.db_table} ({own}, {other}) "  # noqa: S608
            f"SELECT v.id, s.id FROM {HomeVisit._meta.db_table} v "
            f"JOIN {Staff._meta.db_table} s ON s.branch_id = v.branch_id WHERE s.id BETWEEN %s AND %s",
            [low, high],
        )


def outreach_events(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        yield gen.base(b, d) | {
            "venue_type": r.choice(["community", "school", "enterprise", "park", "market"]),
            "place": "",
            "theme": r.choice(["anti_fraud", "pension", "digital", "counterfeit", "other"]),
            "attendees": r.randint(10, 150),
        }


def financing(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        name = r.choice(gen.enterprises)
        sector = r.choices(["tech", "green", "inclusive", "pension", "digital"], [30, 15, 45, 5, 5])[0]
        yield gen.base(b, d) | {
            "sector": sector,
            "product": "other",
            "counterparty": name,
            "credit_code": "",
            "entities_covered": 1,
            "amount": f"{r.randint(10, 5000) * 10000:.2f}",
            "counterparty_key": "name:" + name,
        }


def love_station_tallies(gen, n):
    r = gen.rng
    groups = ["sanitation", "courier", "delivery", "taxi", "other"]
    services = ["water", "microwave", "charging", "rest", "toilet", "first_aid", "reading", "knowledge"]
    combos = [(g, s) for g in groups for s in services]
    if not gen.stations:
        return
    weight_of = dict(zip((b.pk for b in gen.outlets), gen.outlet_weights, strict=True))
    weights = [weight_of[s.pk] for s in gen.stations]
    produced, seen = 0, gen.tallies_seen
    while produced < n:
        station = r.choices(gen.stations, weights=weights)[0]
        day = gen.pick_days(1)[0]
        for index in r.sample(range(len(combos)), k=r.randint(1, 6)):
            key = (station.pk * 1_000_000 + day.toordinal()) * 100 + index
            if key in seen:
                continue
            seen.add(key)
            g, s = combos[index]
            yield gen.base(station, day) | {"visitor_group": g, "service": s, "count": r.randint(1, 12)}
            produced += 1
            if produced >= n:
                return


def cash_services(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        pieces = r.randint(50, 5000)
        yield gen.base(b, d) | {
            "service": r.choice(["coin_counting", "damaged_notes", "bulk_counting"]),
            "customer_type": r.choice(["school", "merchant", "institution", "individual"]),
            "customer_description": "",
            "pieces_counted": pieces,
            "amount": f"{pieces * 0.5:.2f}",
            "staff_hours": "1.0",
        }
