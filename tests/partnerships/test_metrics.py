"""The partnership metrics equal the records: partnerships in force at the period's end (+1 in
the month a partnership starts, -1 in the month it ends), activities and people reached by type,
at the node and every ancestor, and the store rebuilt from the records agrees."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.periods import parse_period
from metrics.selectors import split_totals, totals
from partnerships.models import Partnership, PartnershipActivity
from partnerships.services import partnership_activity_create, partnership_create, partnership_update

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")


def start(net, user, day, kind="community", name="古田社区", code="WH-QK"):
    return partnership_create(user=user, branch=net[code], occurred_on=day, partner_name=name, partner_type=kind)


def test_partnerships_in_force_are_the_level_at_the_period_end(net, manager_qk):
    first = start(net, manager_qk, datetime.date(2023, 5, 1))
    start(net, manager_qk, datetime.date(2025, 2, 1), kind="enterprise", name="某科技公司")
    assert totals(net["WH"], parse_period("2022"))["partnerships_active"] == 0
    assert totals(net["WH"], parse_period("2024"))["partnerships_active"] == 1
    assert totals(net["WH"], Y2025)["partnerships_active"] == 2
    assert totals(net["WH"], parse_period("2025-01"))["partnerships_active"] == 1
    partnership_update(first, user=manager_qk, ended_on=datetime.date(2025, 6, 30))
    assert totals(net["WH-QK"], Y2025)["partnerships_active"] == 1
    assert totals(net["ICBC"], parse_period("2025-05"))["partnerships_active"] == 2
    assert totals(net["WH"], parse_period("2025-06"))["partnerships_active"] == 1  # ended within June
    assert split_totals(net["WH"], Y2025, "partnerships_active", "partner_type") == {
        "partner_type:community": 0,
        "partner_type:enterprise": 1,
    }
    call_command("rebuild_metrics", "--verify")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    spans=st.lists(st.tuples(st.integers(0, 1400), st.one_of(st.none(), st.integers(0, 700))), min_size=1, max_size=5),
    at=st.sampled_from(["2023", "2024", "2024-07", "2025", "2025-03"]),
)
def test_the_level_equals_the_partnerships_in_force_on_the_last_day(net, manager_qk, spans, at):
    Partnership.objects.all().delete()  # each example starts afresh (the store is rebuilt below)
    call_command("rebuild_metrics")
    base = datetime.date(2022, 1, 1)
    for i, (offset, length) in enumerate(spans):
        began = base + datetime.timedelta(days=offset)
        ended = began + datetime.timedelta(days=length) if length is not None else None
        if ended and ended > datetime.date(2026, 1, 1):
            ended = None
        partnership_create(
            user=manager_qk,
            branch=net["WH-QK"],
            occurred_on=began,
            ended_on=ended,
            partner_name=f"单位{i}",
            partner_type="school",
        )
    period = parse_period(at)
    last = period.end_date
    in_force = sum(
        1 for p in Partnership.objects.all() if p.occurred_on <= last and (p.ended_on is None or p.ended_on > last)
    )
    assert totals(net["WH"], period)["partnerships_active"] == in_force


def test_activities_and_people_reached_equal_the_records(net, manager_qk, staff_qk):
    held = start(net, manager_qk, datetime.date(2024, 1, 1))
    plan = [
        ("party_building", 40, datetime.date(2025, 3, 18)),
        ("care_visit", 12, datetime.date(2025, 1, 20)),
        ("care_visit", 8, datetime.date(2025, 9, 1)),
        ("scene_building", 1200, datetime.date(2025, 6, 28)),
        ("joint_volunteering", 150, datetime.date(2024, 11, 2)),  # another year
    ]
    for kind, people, day in plan:
        partnership_activity_create(
            user=staff_qk,
            branch=net["WH-QK-01"],
            occurred_on=day,
            partnership=held,
            activity_type=kind,
            people_reached=people,
        )
    in_2025 = PartnershipActivity.objects.filter(occurred_on__year=2025)
    by_type = Counter(in_2025.values_list("activity_type", flat=True))
    people = Counter()
    for activity in in_2025:
        people[activity.activity_type] += activity.people_reached
    for code in ("WH-QK-01", "WH-QK", "WH", "ICBC"):
        figures = totals(net[code], Y2025)
        assert figures["partnership_activities"] == in_2025.count()
        assert figures["partnership_people_reached"] == sum(people.values())
    activities = split_totals(net["WH"], Y2025, "partnership_activities", "activity_type")
    assert {k: v for k, v in activities.items() if v} == {f"activity_type:{k}": n for k, n in by_type.items()}
    reached = split_totals(net["WH"], Y2025, "partnership_people_reached", "activity_type")
    assert {k: v for k, v in reached.items() if v} == {f"activity_type:{k}": n for k, n in people.items()}
    assert totals(net["WH-BBT"], Y2025)["partnership_activities"] == 0
    call_command("rebuild_metrics", "--verify")
