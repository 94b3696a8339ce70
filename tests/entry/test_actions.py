"""records/actions.py: one answer to "may this user do this now", used by the pages, the
templates and the API (issue 21)."""

import datetime

import pytest
from rest_framework.test import APIClient

from branches.models import Role
from metrics.models import Submission
from records.actions import may
from services.services import outreach_event_create
from submissions.services import submission_approve, submission_submit
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
AUG = datetime.date(2025, 8, 1)


@pytest.fixture
def locked(net, staff_qk, manager_qk, analyst_wh):
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    submission_approve(sub, user=analyst_wh)
    return event


def test_a_record_in_an_approved_month_may_not_be_changed_but_reopening_may_be_asked(net, staff_qk, analyst_wh, locked):
    edit = may(staff_qk, "record.edit", locked)
    assert not edit and edit.lock.branch == net["WH-QK-01"] and "2025-08" in edit.reason
    assert may(staff_qk, "record.request_reopen", locked)
    assert not may(analyst_wh, "record.request_reopen", locked)  # they reopen it themselves
    assert may(analyst_wh, "submission.reopen", edit.lock)


def test_the_four_eyes_rule(net, manager_qk, analyst_wh):
    manager_wh = net.user("manager_wh", "WH", Role.BRANCH_MANAGER)
    sub = submission_submit(user=manager_wh, branch=net["WH-QK"], month=AUG)
    assert not may(manager_wh, "submission.approve", sub)  # submitted it
    assert may(analyst_wh, "submission.approve", sub) and may(analyst_wh, "submission.return", sub)
    assert not may(manager_qk, "submission.approve", sub)  # not above WH-QK
    assert not may(analyst_wh, "submission.reopen", sub)  # not approved yet
    assert may(manager_qk, "submission.submit", (net["WH-QK"], AUG, Submission.objects.none().first()))
    assert not may(manager_qk, "submission.submit", (net["WH-QK"], AUG, sub))  # already submitted


def test_outlet_staff_have_no_api_menu(client, staff_qk, manager_qk):
    assert not may(staff_qk, "api.use") and may(manager_qk, "api.use")
    client.force_login(staff_qk)
    html = client.get("/").content.decode()
    assert 'href="/api/v1/tokens/"' not in html and 'href="/api/v1/docs/"' not in html
    client.force_login(manager_qk)
    assert 'href="/api/v1/tokens/"' in client.get("/").content.decode()


def test_the_api_allows_only_reading_a_locked_record(net, staff_qk, locked):
    api = APIClient()
    api.force_authenticate(staff_qk)
    allow = api.get(f"/api/v1/outreach-events/{locked.pk}/")["Allow"]
    assert "GET" in allow and "PUT" not in allow and "DELETE" not in allow
    open_event = outreach_event_create(
        user=staff_qk, **{**record_data("outreach-events", net), "occurred_on": datetime.date(2025, 9, 2)}
    )
    assert "PUT" in api.get(f"/api/v1/outreach-events/{open_event.pk}/")["Allow"]


def test_analysts_get_no_edit_controls(client, net, analyst_wh, locked):
    client.force_login(analyst_wh)
    html = client.get(locked.get_absolute_url()).content.decode()
    assert f'href="{locked.get_absolute_url()}edit/"' not in html and "request-reopen" not in html
