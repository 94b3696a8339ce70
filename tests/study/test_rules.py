"""A study session's person-times are at least its named participants, whichever way it is
written: the service (create, update, bulk), the entry form, the API and the ledger import."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from records.services import BulkValidationError, record_bulk_create
from study.forms import StudySessionForm
from study.models import StudySession
from study.services import study_session_create, study_session_update
from tests.api.conftest import token_client
from tests.conftest import record_data
from tests.ledgers.conftest import run

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 14)


def people(net, n, code="WH-QK-01"):
    return [net.staff(code, f"学员{code}{i}") for i in range(n)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(named=st.integers(0, 6), person_times=st.integers(1, 8))
def test_the_service_accepts_exactly_the_sessions_counting_everyone_named(net, staff_qk, named, person_times):
    staff = people(net, 6)[:named] if named else []
    before = StudySession.objects.count()
    fields = record_data("study-sessions", net) | {"person_times": person_times}
    if person_times >= named:
        session = study_session_create(user=staff_qk, participants=staff, **fields)
        assert session.participants.count() == named
    else:
        with pytest.raises(ValidationError) as refused:
            study_session_create(user=staff_qk, participants=staff, **fields)
        assert list(refused.value.message_dict) == ["person_times"]
        assert StudySession.objects.count() == before  # nothing half-written


def test_an_update_may_not_name_more_people_than_it_counts(net, staff_qk):
    three = people(net, 3)
    session = study_session_create(
        user=staff_qk, participants=three[:2], **(record_data("study-sessions", net) | {"person_times": 2})
    )
    with pytest.raises(ValidationError) as refused:
        study_session_update(session, user=staff_qk, participants=three)
    assert "person_times" in refused.value.message_dict
    # Lowering the count below the people already named is refused too (the saved ones count).
    with pytest.raises(ValidationError):
        study_session_update(session, user=staff_qk, person_times=1)
    session.refresh_from_db()
    assert session.version == 1 and session.participants.count() == 2
    study_session_update(session, user=staff_qk, participants=three, person_times=3)
    assert session.participants.count() == 3


def test_a_bulk_write_lists_the_rows_that_count_too_few(net, staff_qk):
    three = people(net, 3)
    base = record_data("study-sessions", net)
    rows = [base | {"person_times": 3}, base | {"person_times": 2}, base | {"person_times": 5}]
    with pytest.raises(BulkValidationError) as refused:
        record_bulk_create(StudySession, user=staff_qk, rows=rows, m2m_rows=[{"participants": three} for _ in rows])
    assert list(refused.value.errors) == [1] and "person_times" in refused.value.errors[1]
    assert not StudySession.objects.exists()


def form_data(net, staff, person_times):
    return {
        "branch": net["WH-QK-01"].pk,
        "occurred_on": DAY.isoformat(),
        "session_type": "clean_reading",
        "title": "清廉读书会",
        "participants": [s.pk for s in staff],
        "person_times": str(person_times),
        "hours": "6.0",
    }


def test_the_form_shows_the_error_at_person_times(net, staff_qk):
    three = people(net, 3)
    form = StudySessionForm(data=form_data(net, three, 2), user=staff_qk)
    assert not form.is_valid()
    assert list(form.errors) == ["person_times"]
    assert StudySessionForm(data=form_data(net, three, 3), user=staff_qk).is_valid()


def test_the_entry_page_refuses_and_saves_nothing(client, net, staff_qk):
    three = people(net, 3)
    client.force_login(staff_qk)
    from core.kinds import kind_for_slug

    new = kind_for_slug("study-sessions").url("new")
    response = client.post(new, form_data(net, three, 1))
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not StudySession.objects.exists()
    response = client.post(new, form_data(net, three, 4))
    assert response.status_code == 302
    session = StudySession.objects.get()
    assert session.person_times == 4 and session.participants.count() == 3


def test_the_api_answers_400_with_the_field(net, staff_qk):
    three = people(net, 3)
    api = token_client(staff_qk)
    body = {
        "branch": "WH-QK-01",
        "occurred_on": DAY.isoformat(),
        "session_type": "warning_education",
        "title": "旁听庭审",
        "participants": [s.pk for s in three],
        "person_times": 2,
        "hours": "9.0",
    }
    refused = api.post("/api/v1/study-sessions/", body, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["person_times"]
    assert not StudySession.objects.exists()
    created = api.post("/api/v1/study-sessions/", body | {"person_times": 3}, format="json")
    assert created.status_code == 201, created.content
    assert sorted(created.json()["participants"]) == sorted(s.pk for s in three)
    assert Decimal(created.json()["hours"]) == Decimal("9.0")


def test_an_import_reports_the_row_and_writes_nothing(ledger, net, staff_qk):
    people(net, 3)
    names = "、".join(f"学员WH-QK-01{i}" for i in range(3))
    row = {
        "branch": "WH-QK-01",
        "occurred_on": DAY,
        "session_type": "红色教育（参观场馆）",
        "title": "参观革命博物馆",
        "participants": names,
        "hours": 9,
    }
    path = ledger("study-sessions", [row | {"person_times": 3}, row | {"title": "另一场", "person_times": 2}])
    outcome = run("study-sessions", path, staff_qk)
    assert [p["row"] for p in outcome.problems] == [3]
    committed = run("study-sessions", path, staff_qk, commit=True)
    assert not committed.committed and not StudySession.objects.exists()
    fixed = ledger("study-sessions", [row | {"person_times": 3}, row | {"title": "另一场", "person_times": 5}])
    committed = run("study-sessions", fixed, staff_qk, commit=True)
    assert committed.committed and committed.created == 2
    assert sorted(s.participants.count() for s in StudySession.objects.all()) == [3, 3]
