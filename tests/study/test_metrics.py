"""Study metrics from records equal the roll-up store: sessions, person-times, hours, and the
distinct staff over the participants relation (the engine's many-to-many members) at every
node and period, through creates, edits, moves, deletes and bulk writes; the rebuild agrees."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branches.models import Staff
from core.periods import parse_period
from metrics.rebuild import compute_from_records, rebuild
from metrics.rollup import current_store
from metrics.selectors import split_totals, totals
from records.services import COPY_THRESHOLD, record_bulk_create
from study.models import StudySession
from study.services import study_session_create, study_session_delete, study_session_update

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")
NODES = ("WH-QK-01", "WH-QK-02", "WH-QK", "WH-BBT", "WH", "ICBC")
POOL = (("WH-QK-01", "人0"), ("WH-QK-01", "人1"), ("WH-QK-01", "人2"), ("WH-QK", "人3"), ("WH-QK", "人4"))


def session(net, user, code, day, participants, **extra):
    fields = {
        "branch": net[code],
        "occurred_on": day,
        "session_type": "theory",
        "title": "理论学习",
        "person_times": max(len(participants), 1) + 2,
        "hours": Decimal("4.5"),
    } | extra
    return study_session_create(user=user, participants=participants, **fields)


def expected(net, period, code) -> dict:
    """Hand counts over the records under the node in the period."""
    records = [
        s
        for s in StudySession.objects.filter(branch__path__startswith=net[code].path).prefetch_related("participants")
        if period.first <= s.occurred_on <= period.end_date
    ]
    return {
        "study_sessions": len(records),
        "study_person_times": sum(s.person_times for s in records),
        "study_hours": sum((s.hours for s in records), Decimal("0")),
        "study_people": len({p.pk for s in records for p in s.participants.all()}),
    }


def assert_store_matches_records(net, periods=("2025", "2025Q3", "2025-08", "2025-09", "2024..2025")):
    for text in periods:
        period = parse_period(text)
        for code in NODES:
            got = totals(net[code], period, ["study_sessions", "study_person_times", "study_hours", "study_people"])
            assert got == expected(net, period, code), (text, code)
    sums, members = current_store()
    assert (sums, members) == compute_from_records()
    assert rebuild()["differences"] == 0


def test_distinct_people_count_once_per_node_and_period(net, manager_qk, root_user):
    a, b, c = (net.staff("WH-QK-01", n) for n in ("甲", "乙", "丙"))
    d = net.staff("WH-QK-02", "丁")
    session(net, manager_qk, "WH-QK-01", datetime.date(2025, 8, 4), [a, b])
    session(net, manager_qk, "WH-QK-01", datetime.date(2025, 8, 20), [b, c], session_type="clean_reading")
    session(net, manager_qk, "WH-QK-02", datetime.date(2025, 9, 2), [d])
    session(net, manager_qk, "WH-QK", datetime.date(2025, 9, 3), [a, d])  # the sub-branch's own session
    assert totals(net["WH-QK-01"], Y2025)["study_people"] == 3
    assert totals(net["WH-QK"], Y2025)["study_people"] == 4  # a and d once, though at two sessions
    assert totals(net["WH-QK"], parse_period("2025-08"))["study_people"] == 3
    assert totals(net["WH-QK"], parse_period("2025-09"))["study_people"] == 2
    assert split_totals(net["WH-QK-01"], Y2025, "study_people", "session_type") == {
        "session_type:theory": 2,
        "session_type:clean_reading": 2,
    }
    assert_store_matches_records(net)
    call_command("rebuild_metrics", "--verify")


def test_edits_moves_and_deletes_keep_the_store_equal_to_the_records(net, manager_qk):
    a, b, c = (net.staff("WH-QK-01", n) for n in ("甲", "乙", "丙"))
    first = session(net, manager_qk, "WH-QK-01", datetime.date(2025, 8, 4), [a, b])
    second = session(net, manager_qk, "WH-QK-01", datetime.date(2025, 8, 5), [b])
    first = study_session_update(first, user=manager_qk, participants=[c])  # only the relation changes
    assert totals(net["WH-QK-01"], Y2025)["study_people"] == 2
    assert_store_matches_records(net)
    study_session_update(second, user=manager_qk, branch=net["WH-QK"], occurred_on=datetime.date(2025, 9, 1))
    assert_store_matches_records(net)
    study_session_delete(first, user=manager_qk)
    assert totals(net["WH-QK-01"], Y2025)["study_people"] == 0
    assert totals(net["WH-QK"], Y2025)["study_people"] == 1
    assert_store_matches_records(net)


def test_a_session_naming_nobody_counts_people_nowhere(net, manager_qk):
    session(net, manager_qk, "WH-QK-01", datetime.date(2025, 8, 4), [])
    assert totals(net["WH"], Y2025)["study_people"] == 0
    assert totals(net["WH"], Y2025)["study_sessions"] == 1
    assert_store_matches_records(net)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plan=st.lists(
        st.tuples(
            st.sampled_from(["WH-QK-01", "WH-QK", "WH"]),
            st.integers(1, 12),
            st.sets(st.integers(0, 4), max_size=5),
            st.sampled_from([c for c, _label in StudySession.SessionType.choices]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_bulk_write_leaves_the_store_equal_to_the_records(net, root_user, plan):
    StudySession.objects.all().delete()
    call_command("rebuild_metrics")  # the store of earlier examples goes with their records
    pool = [Staff.objects.get_or_create(branch=net[code], name=name)[0] for code, name in POOL]
    rows, relations = [], []
    for code, month, picked, kind in plan:
        named = [pool[i] for i in sorted(picked)]
        rows.append(
            {
                "branch": net[code],
                "occurred_on": datetime.date(2025, month, 10),
                "session_type": kind,
                "title": "学习",
                "person_times": len(named) + 1,
                "hours": Decimal("1.5"),
            }
        )
        relations.append({"participants": named})
    record_bulk_create(StudySession, user=root_user, rows=rows, m2m_rows=relations)
    assert_store_matches_records(net, periods=("2025", "2025Q1", "2025-06"))


def test_a_large_import_counts_its_participants(net, root_user):
    """From COPY_THRESHOLD rows PostgreSQL writes by COPY: the relation and the checks follow."""
    pool = [Staff.objects.get_or_create(branch=net[code], name=name)[0] for code, name in POOL]
    n = COPY_THRESHOLD + 20
    rows = [
        {
            "branch": net["WH-QK-01"],
            "occurred_on": datetime.date(2025, 1 + i % 12, 1 + i % 28),
            "session_type": "theory",
            "title": f"学习{i}",
            "person_times": 3,
            "hours": Decimal("3.0"),
        }
        for i in range(n)
    ]
    relations = [{"participants": [pool[i % 5], pool[(i + 1) % 5]]} for i in range(n)]
    record_bulk_create(StudySession, user=root_user, rows=rows, m2m_rows=relations)
    assert totals(net["WH"], Y2025)["study_people"] == 5
    assert totals(net["WH"], Y2025)["study_person_times"] == 3 * n
    assert_store_matches_records(net, periods=("2025", "2025Q2"))
