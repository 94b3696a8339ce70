"""A home visit is made by two staff members (the form's label: 上门员工（双人）), whichever way it
is written: the service (create, update, bulk), the entry form and page, the admin, the API and
the ledger import (XLSX and CSV: tests/ledgers/test_labelled_rules.py). A refused write leaves nothing behind; the message says what
to do in Chinese."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from core.kinds import kind_for_slug
from records.services import BulkValidationError, record_bulk_create
from services.forms import HomeVisitForm
from services.models import HomeVisit
from services.rules import home_visit_team_errors
from services.services import home_visit_create, home_visit_follow_up_done, home_visit_update
from tests.api.conftest import token_client
from tests.conftest import DAY, record_data

pytestmark = pytest.mark.django_db

MESSAGE_ZH = "上门员工（双人）：上门服务须由两名员工同行，请至少选择 2 名（当前 {n} 名）。"


@pytest.fixture
def team(net):
    return [net.staff("WH-QK-01", name) for name in ("张伟", "王芳", "刘洋")]


def test_the_rule_counts_distinct_members_and_says_it_in_chinese(team):
    with translation.override("zh-hans"):
        assert home_visit_team_errors([]) == [MESSAGE_ZH.format(n=0)]
        assert home_visit_team_errors(team[:1]) == [MESSAGE_ZH.format(n=1)]
        assert home_visit_team_errors([team[0], team[0]]) == [MESSAGE_ZH.format(n=1)]  # one person twice
    assert home_visit_team_errors(team[:2]) == [] and home_visit_team_errors(team) == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(0, 3))
def test_the_service_accepts_a_visit_exactly_when_two_or_more_went(net, staff_qk, team, size):
    fields = record_data("home-visits", net) | {"staff": team[:size]}
    before = (HomeVisit.objects.count(), AuditEntry.objects.count())
    if size >= 2:
        visit_ = home_visit_create(user=staff_qk, **fields)
        assert visit_.staff.count() == size
        assert HomeVisit.objects.count() == before[0] + 1
    else:
        with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
            home_visit_create(user=staff_qk, **fields)
        assert refused.value.message_dict == {"staff": [MESSAGE_ZH.format(n=size)]}
        assert (HomeVisit.objects.count(), AuditEntry.objects.count()) == before  # nothing half-written


def test_an_update_may_not_shrink_the_team_and_one_leaving_it_alone_is_judged_as_saved(net, staff_qk, team):
    visit_ = home_visit_create(user=staff_qk, **record_data("home-visits", net) | {"staff": team[:2]})
    with pytest.raises(ValidationError) as refused:
        home_visit_update(visit_, user=staff_qk, expected_version=1, staff=team[:1])
    assert list(refused.value.message_dict) == ["staff"]
    visit_.refresh_from_db()
    assert visit_.version == 1 and set(visit_.staff.all()) == set(team[:2])
    changed = home_visit_update(visit_, user=staff_qk, customer_group="ill")  # the team untouched
    assert changed.version == 2 and changed.staff.count() == 2
    assert home_visit_update(changed, user=staff_qk, staff=team).staff.count() == 3


def test_a_visit_saved_before_the_rule_still_takes_its_follow_up(net, staff_qk, team):
    """A visit saved with one staff member before the rule: marking its follow-up done does not
    write the team and is not refused; an edit that writes the team must name two."""
    visit_ = home_visit_create(user=staff_qk, **record_data("home-visits", net) | {"staff": team[:2]})
    visit_.staff.set(team[:1])  # as an older write left it
    done = home_visit_follow_up_done(visit_, user=staff_qk, done_on=DAY + datetime.timedelta(days=1))
    assert done.follow_up_done_on == DAY + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        home_visit_update(done, user=staff_qk, staff=team[:1], notes="补录")


def test_a_bulk_write_lists_every_row_without_a_team_and_writes_nothing(net, staff_qk, team):
    base = record_data("home-visits", net)
    base.pop("staff")
    rows = [base | {"occurred_on": DAY - datetime.timedelta(days=i)} for i in range(4)]
    teams = [{"staff": team[:2]}, {"staff": []}, {"staff": team[1:2]}, {"staff": team}]
    with pytest.raises(BulkValidationError) as refused:
        record_bulk_create(HomeVisit, user=staff_qk, rows=rows, m2m_rows=teams)
    assert sorted(refused.value.errors) == [1, 2]
    assert all(list(errors) == ["staff"] for errors in refused.value.errors.values())
    with pytest.raises(BulkValidationError):
        record_bulk_create(HomeVisit, user=staff_qk, rows=rows[:1])  # no team given at all
    assert not HomeVisit.objects.exists()
    record_bulk_create(HomeVisit, user=staff_qk, rows=[rows[0], rows[3]], m2m_rows=[teams[0], teams[3]])
    assert sorted(v.staff.count() for v in HomeVisit.objects.all()) == [2, 3]


def form_data(net, staff) -> dict:
    """The kind's sample entry form at WH-QK-01, with `staff` as the team."""
    sample = kind_for_slug("home-visits").sample.form
    return sample | {"branch": net["WH-QK-01"].pk, "occurred_on": DAY.isoformat(), "staff": [s.pk for s in staff]}


@pytest.mark.parametrize("size", [0, 1])
def test_the_form_shows_the_error_at_the_staff_field(net, staff_qk, team, size):
    with translation.override("zh-hans"):
        form = HomeVisitForm(data=form_data(net, team[:size]), user=staff_qk)
        assert not form.is_valid()
        assert form.errors == {"staff": [MESSAGE_ZH.format(n=size)]}
    assert HomeVisitForm(data=form_data(net, team[:2]), user=staff_qk).is_valid()


def test_the_entry_pages_refuse_one_person_and_save_two(client, net, staff_qk, team):
    client.force_login(staff_qk)
    new = kind_for_slug("home-visits").url("new")
    page = client.post(new, form_data(net, team[:1]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and MESSAGE_ZH.format(n=1) in page.content.decode()
    assert not HomeVisit.objects.exists()
    assert client.post(new, form_data(net, team[:2])).status_code == 302
    visit_ = HomeVisit.objects.get()
    edit = kind_for_slug("home-visits").url("edit", visit_.pk)
    page = client.post(edit, form_data(net, team[2:]) | {"version": visit_.version})
    assert page.status_code == 200 and "staff" in page.context["form"].errors
    visit_.refresh_from_db()
    assert visit_.version == 1 and visit_.staff.count() == 2


def test_the_admin_refuses_a_visit_of_one_with_a_form_error(net, team):
    admin = Client()
    admin.force_login(net.root_user)
    data = form_data(net, team[:1]) | {"notes": "", "recording_ref": "", "customer_age_band": ""}
    page = admin.post("/admin/services/homevisit/add/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and MESSAGE_ZH.format(n=1) in page.content.decode()
    assert not HomeVisit.objects.exists()
    assert admin.post("/admin/services/homevisit/add/", data | {"staff": [team[0].pk, team[1].pk]}).status_code == 302
    assert HomeVisit.objects.get().staff.count() == 2


@pytest.mark.parametrize("size", [0, 1])
def test_the_api_answers_400_at_the_staff_field(net, staff_qk, team, size):
    api = token_client(staff_qk)
    body = form_data(net, team[:size]) | {"branch": "WH-QK-01"}
    refused = api.post("/api/v1/home-visits/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400 and refused.json() == {"staff": [MESSAGE_ZH.format(n=size)]}
    if size == 0:
        del body["staff"]  # left out altogether: refused the same way
        assert api.post("/api/v1/home-visits/", body, format="json").json().keys() == {"staff"}
    assert not HomeVisit.objects.exists()
    created = api.post("/api/v1/home-visits/", body | {"staff": [s.pk for s in team[:2]]}, format="json")
    assert created.status_code == 201, created.content
    patched = api.patch(f"/api/v1/home-visits/{created.json()['id']}/", {"staff": [team[0].pk]}, format="json")
    assert patched.status_code == 400 and list(patched.json()) == ["staff"]
    assert HomeVisit.objects.get().staff.count() == 2
