"""Monthly submissions (submit, nil return, approve, return, reopen), yearly targets and the
branch tree over the API."""

import datetime

import pytest

from audit.models import AuditEntry
from branches.models import Target
from metrics.models import Submission
from services.services import outreach_event_create
from submissions.services import submission_submit
from tests.api.conftest import token_client
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
S = Submission.Status


@pytest.fixture
def manager(manager_qk):
    return token_client(manager_qk)


@pytest.fixture
def analyst(analyst_wh):
    return token_client(analyst_wh)


def submit(api, month="2025-08", **extra):
    return api.post("/api/v1/submissions/", {"branch": "WH-QK-01", "month": month, **extra}, format="json")


def test_submit_approve_and_reopen(net, manager, analyst):
    created = submit(manager)
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "submitted" and body["month"] == "2025-08" and body["branch"] == "WH-QK-01"
    assert body["submitted_by"] == "manager_qk" and body["decided_by"] is None
    pk = body["id"]
    approved = analyst.post(f"/api/v1/submissions/{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved["ETag"] == f'"{pk}-2"'
    assert analyst.post(f"/api/v1/submissions/{pk}/reopen/", {}, format="json").status_code == 400
    reopened = analyst.post(f"/api/v1/submissions/{pk}/reopen/", {"reason": "更正金额"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    assert list(
        AuditEntry.objects.filter(object_id=pk, content_type__model="submission").values_list("action", flat=True)
    )[:3] == ["reopen", "approve", "submit"]


def test_nil_return_and_return_then_resubmit(net, manager, analyst):
    pk = submit(manager, nil_return=True).json()["id"]
    assert Submission.objects.get(pk=pk).is_nil_return
    returned = analyst.post(f"/api/v1/submissions/{pk}/return/", {"reason": "本月有上门服务"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    again = manager.post(f"/api/v1/submissions/{pk}/submit/", {"note": "已补录"}, format="json")
    assert again.status_code == 200 and again.json()["status"] == "submitted" and not again.json()["is_nil_return"]
    analyst.post(f"/api/v1/submissions/{pk}/return/", {"reason": "再核对"}, format="json")
    nil = manager.post(f"/api/v1/submissions/{pk}/nil-return/", {}, format="json")
    assert nil.status_code == 200 and nil.json()["is_nil_return"]


def test_the_submitter_cannot_approve_their_own_month(net, root_user, manager):
    pk = submit(manager, month="2025-07").json()["id"]
    response = manager.post(f"/api/v1/submissions/{pk}/approve/")
    assert response.status_code == 403
    assert Submission.objects.get(pk=pk).status == S.SUBMITTED


def test_outlet_staff_cannot_submit(net, staff_qk):
    response = submit(token_client(staff_qk))
    assert response.status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.parametrize("month", ["2025-13", "2025", "25-08", "2999-01", "", None])
def test_bad_months_are_400(net, manager, month):
    response = submit(manager, month=month)
    assert response.status_code == 400 and "month" in response.json()
    assert not Submission.objects.exists()


def test_decision_with_a_stale_if_match_is_412(net, manager, analyst):
    pk = submit(manager).json()["id"]
    analyst.post(f"/api/v1/submissions/{pk}/return/", {"reason": "补充"}, format="json")
    manager.post(f"/api/v1/submissions/{pk}/submit/", {}, format="json")
    stale = analyst.post(f"/api/v1/submissions/{pk}/approve/", HTTP_IF_MATCH=f'"{pk}-1"')
    assert stale.status_code == 412
    assert Submission.objects.get(pk=pk).status == S.SUBMITTED
    fresh = analyst.post(f"/api/v1/submissions/{pk}/approve/", HTTP_IF_MATCH=f'"{pk}-3"')
    assert fresh.status_code == 200


def test_submission_filters(net, manager, analyst):
    submit(manager, month="2025-07")
    submit(manager, month="2025-08")
    assert analyst.get("/api/v1/submissions/?period=2025Q3").json()["count"] == 2
    assert analyst.get("/api/v1/submissions/?period=2025-08").json()["count"] == 1
    assert analyst.get("/api/v1/submissions/?branch=WH-BBT").json()["count"] == 0
    assert analyst.get("/api/v1/submissions/?status=approved").json()["count"] == 0
    assert analyst.get("/api/v1/submissions/?period=%25s").status_code == 400


def test_approved_month_locks_records_written_over_the_api(net, staff_qk, manager, analyst):
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    pk = submit(manager).json()["id"]
    analyst.post(f"/api/v1/submissions/{pk}/approve/")
    response = token_client(staff_qk).delete(f"/api/v1/outreach-events/{event.pk}/")
    assert response.status_code == 409
    analyst.post(f"/api/v1/submissions/{pk}/reopen/", {"reason": "更正"}, format="json")
    assert token_client(staff_qk).delete(f"/api/v1/outreach-events/{event.pk}/").status_code == 204


class TestTargets:
    def test_set_change_and_delete(self, net, manager):
        body = {"branch": "WH-QK-01", "year": 2025, "metric": "home_visits", "value": "60"}
        created = manager.post("/api/v1/targets/", body, format="json")
        assert created.status_code == 201
        assert created.json()["set_by"] == "manager_qk" and created.json()["value"] == "60.00"
        again = manager.post("/api/v1/targets/", body | {"value": "70"}, format="json")
        assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
        pk = created.json()["id"]
        moved = manager.patch(
            f"/api/v1/targets/{pk}/", {"value": "80", "branch": "WH-BBT", "year": 2030}, format="json"
        )
        assert moved.status_code == 400 and set(moved.json()) == {"branch", "year"}  # mass assignment is refused
        changed = manager.patch(f"/api/v1/targets/{pk}/", {"value": "80"}, format="json")
        assert changed.status_code == 200
        target = Target.objects.get()
        assert (target.value, target.branch.code, target.year) == (80, "WH-QK-01", 2025)
        assert manager.delete(f"/api/v1/targets/{pk}/").status_code == 204
        assert not Target.objects.exists()

    def test_outlet_staff_cannot_set_targets(self, net, staff_qk):
        body = {"branch": "WH-QK-01", "year": 2025, "metric": "home_visits", "value": "60"}
        assert token_client(staff_qk).post("/api/v1/targets/", body, format="json").status_code == 403
        assert not Target.objects.exists()

    @pytest.mark.parametrize(
        "change",
        [{"metric": "no_such_metric"}, {"value": "-1"}, {"value": "NaN"}, {"year": 1800}, {"branch": "WH-BBT"}],
    )
    def test_invalid_targets_are_400(self, net, manager, change):
        body = {"branch": "WH-QK-01", "year": 2025, "metric": "home_visits", "value": "60"} | change
        response = manager.post("/api/v1/targets/", body, format="json")
        assert response.status_code == 400 and set(change) <= set(response.json())
        assert not Target.objects.exists()

    def test_filters(self, net, manager, analyst):
        for metric in ("home_visits", "outreach_events"):
            manager.post(
                "/api/v1/targets/", {"branch": "WH-QK-01", "year": 2025, "metric": metric, "value": "1"}, format="json"
            )
        assert analyst.get("/api/v1/targets/?metric=home_visits").json()["count"] == 1
        assert analyst.get("/api/v1/targets/?branch=WH-QK&year=2025").json()["count"] == 2
        assert analyst.get("/api/v1/targets/?branch=WH-BBT").json()["count"] == 0


class TestBranches:
    def test_scope_and_lookup_by_code(self, net, staff_qk, analyst):
        mine = token_client(staff_qk).get("/api/v1/branches/").json()["results"]
        assert [b["code"] for b in mine] == ["WH-QK-01"]
        assert mine[0]["parent"] is None  # the parent lies outside the outlet's scope
        assert token_client(staff_qk).get("/api/v1/branches/WH-QK-02/").status_code == 404
        detail = analyst.get("/api/v1/branches/WH-QK-01/").json()
        assert detail["parent"] == "WH-QK" and detail["level"] == "outlet"

    def test_filters(self, net, analyst):
        codes = [b["code"] for b in analyst.get("/api/v1/branches/?branch=WH-QK").json()["results"]]
        assert codes == ["WH-QK", "WH-QK-01", "WH-QK-02"]
        stations = analyst.get("/api/v1/branches/?love_station=true").json()["results"]
        assert [b["code"] for b in stations] == ["WH-HY-01"]

    def test_read_only(self, net, root_user):
        from rest_framework.test import APIClient

        api = APIClient()
        api.force_authenticate(root_user)
        assert api.post("/api/v1/branches/", {"code": "X"}, format="json").status_code == 405
        assert api.delete("/api/v1/branches/WH/").status_code == 405


def _queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


def test_lists_issue_a_constant_number_of_queries(net, root_user, analyst):
    from branches.models import Branch
    from branches.services import target_set

    def add(codes):
        for code in codes:
            branch = Branch.objects.get(code=code)
            target_set(user=root_user, branch=branch, year=2025, metric="home_visits", value=1)
            submission_submit(user=root_user, branch=branch, month=datetime.date(2025, 8, 1))

    add(["WH-QK-01"])
    few = [_queries(analyst, path) for path in ("/api/v1/branches/", "/api/v1/targets/", "/api/v1/submissions/")]
    add(["WH-QK", "WH-QK-02", "WH-BBT", "WH-HY", "WH-HY-01"])
    for code in range(6):
        net.add(f"WH-X{code}", "WH", "sub_branch")
    many = [_queries(analyst, path) for path in ("/api/v1/branches/", "/api/v1/targets/", "/api/v1/submissions/")]
    assert many == few
