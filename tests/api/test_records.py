"""The record endpoints: writes through the services, read-only bookkeeping, scope, ETag/If-Match,
the UI's filters, paging, ordering, CSV and a constant number of queries per list."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from antifraud.models import Intervention
from audit.history import history
from audit.models import AuditEntry
from branches.models import Staff
from config import api_urls
from core.kinds import record_kinds
from honours.models import Honour
from metrics.models import MetricValue, Submission
from services.models import HomeVisit, OutreachEvent
from services.services import home_visit_create, outreach_event_create
from submissions.services import submission_approve, submission_submit
from tests.api.conftest import payload, token_client
from tests.conftest import DAY, record_data
from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff_qk):
    return token_client(staff_qk)


@pytest.fixture
def love_station_everywhere(net, root_user):
    from branches.services import branch_update

    net.by_code["WH-QK-01"] = branch_update(net["WH-QK-01"], user=root_user, love_station_since=2020)


def url(kind, pk=None) -> str:
    return f"/api/v1/{kind.slug}/" + (f"{pk}/" if pk else "")


def test_every_record_kind_has_an_endpoint():
    routes = {prefix: viewset for prefix, viewset, _basename in api_urls.router.registry}
    for kind in record_kinds():
        viewset = routes[kind.slug]
        assert viewset is kind.viewset
        assert viewset().kind is kind
        assert viewset().filterset_class is kind.filterset, "the API filters with the UI's FilterSet"


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_create_goes_through_the_service(kind, api, net, staff_qk, love_station_everywhere):
    body = payload(kind.slug, net, branch=net["WH-QK-01"])
    response = api.post(url(kind), body, format="json")
    assert response.status_code == 201, response.json()
    obj = kind.model.objects.get(pk=response.json()["id"])
    assert obj.created_by == staff_qk and obj.version == 1
    assert [e.action for e in history(obj)] == [AuditEntry.Action.CREATE]
    assert response["ETag"] == f'"{obj.pk}-1"'
    assert response["Location"] == url(kind, obj.pk)
    assert response.json()["branch"] == "WH-QK-01"


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_update_and_delete_go_through_the_service(kind, api, net, staff_qk, love_station_everywhere):
    obj = kind.create(user=staff_qk, **(record_data(kind.slug, net, net["WH-QK-01"])))
    response = api.patch(url(kind, obj.pk), kind.sample.edit, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2 and response["ETag"] == f'"{obj.pk}-2"'
    assert [e.action for e in history(obj)][0] == AuditEntry.Action.UPDATE
    assert api.delete(url(kind, obj.pk)).status_code == 204
    assert not kind.model.objects.filter(pk=obj.pk).exists()
    assert AuditEntry.objects.filter(object_id=obj.pk, action=AuditEntry.Action.DELETE).exists()


def test_create_updates_the_roll_up_store(api, net):
    api.post("/api/v1/outreach-events/", payload("outreach-events", net), format="json")
    totals = MetricValue.objects.filter(metric="outreach_attendees", split="", branch=net["WH"])
    assert totals.get().value == 40


def test_mass_assignment_is_refused(api, net, staff_qk, manager_qk):
    body = payload("interventions", net) | {
        "created_by": manager_qk.pk,
        "status": "confirmed",
        "version": 99,
        "id": 12345,
        "approved_by": manager_qk.pk,
        "created_at": "2020-01-01T00:00:00Z",
    }
    response = api.post("/api/v1/interventions/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"created_by", "status", "version", "id", "approved_by", "created_at"}
    assert not Intervention.objects.exists()


def test_status_cannot_be_changed_by_an_edit(api, net, staff_qk):
    case = Intervention.objects.get(
        pk=api.post("/api/v1/interventions/", payload("interventions", net), format="json").json()["id"]
    )
    response = api.patch(f"/api/v1/interventions/{case.pk}/", {"status": "confirmed", "version": 7}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"status", "version"}
    case.refresh_from_db()
    assert case.status == Intervention.Status.SUSPECTED and case.version == 1


def test_create_in_a_branch_outside_scope_is_400_and_writes_nothing(api, net):
    response = api.post(
        "/api/v1/outreach-events/", payload("outreach-events", net, branch=net["WH-BBT"]), format="json"
    )
    assert response.status_code == 400
    assert "branch" in response.json()
    unknown = api.post(
        "/api/v1/outreach-events/", payload("outreach-events", net) | {"branch": "NO-SUCH"}, format="json"
    )
    assert unknown.json()["branch"][0].replace("NO-SUCH", "X") == response.json()["branch"][0].replace("WH-BBT", "X")
    assert not OutreachEvent.objects.exists()
    assert (
        not AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id__isnull=False)
        .exclude(content_type__model="branch")
        .exists()
    )


def test_moving_a_record_out_of_scope_is_400_and_changes_nothing(api, net, staff_qk):
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    response = api.patch(f"/api/v1/outreach-events/{event.pk}/", {"branch": "WH-QK-02"}, format="json")
    assert response.status_code == 400 and "branch" in response.json()
    event.refresh_from_db()
    assert event.branch == net["WH-QK-01"] and event.version == 1


def test_manager_moves_a_record_within_the_subtree(net, staff_qk, manager_qk):
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    response = token_client(manager_qk).patch(
        f"/api/v1/outreach-events/{event.pk}/", {"branch": "WH-QK-02"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["branch"] == "WH-QK-02"


def test_out_of_scope_record_is_404_like_a_missing_one(api, net, staff_qk2):
    theirs = outreach_event_create(
        user=staff_qk2, **(record_data("outreach-events", net) | {"branch": net["WH-QK-02"]})
    )
    hidden = api.get(f"/api/v1/outreach-events/{theirs.pk}/")
    missing = api.get("/api/v1/outreach-events/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert api.delete(f"/api/v1/outreach-events/{theirs.pk}/").status_code == 404
    assert OutreachEvent.objects.filter(pk=theirs.pk).exists()


def test_staff_outside_scope_cannot_be_named(api, net):
    stranger = Staff.objects.create(branch=net["WH-BBT"], name="百步亭员工")
    body = payload("home-visits", net) | {"staff": [stranger.pk]}
    response = api.post("/api/v1/home-visits/", body, format="json")
    assert response.status_code == 400 and "staff" in response.json()
    assert not HomeVisit.objects.exists()


def test_staff_of_the_branch_are_set_by_id(api, net):
    one, two = net.staff("WH-QK-01", "张三"), net.staff("WH-QK-01", "李四")
    response = api.post(
        "/api/v1/home-visits/", payload("home-visits", net) | {"staff": [one.pk, two.pk]}, format="json"
    )
    assert response.status_code == 201
    assert sorted(response.json()["staff"]) == sorted([one.pk, two.pk])


class TestIfMatch:
    @pytest.fixture
    def event(self, net, staff_qk):
        return outreach_event_create(user=staff_qk, **record_data("outreach-events", net))

    def test_retrieve_carries_the_etag(self, api, event):
        assert api.get(f"/api/v1/outreach-events/{event.pk}/")["ETag"] == f'"{event.pk}-1"'

    def test_current_etag_is_accepted(self, api, event):
        response = api.patch(
            f"/api/v1/outreach-events/{event.pk}/", {"attendees": 50}, format="json", HTTP_IF_MATCH=f'"{event.pk}-1"'
        )
        assert response.status_code == 200 and response["ETag"] == f'"{event.pk}-2"'

    def test_stale_etag_is_412_and_nothing_is_written(self, api, event, staff_qk):
        api.patch(f"/api/v1/outreach-events/{event.pk}/", {"attendees": 50}, format="json")
        audit_rows = AuditEntry.objects.count()
        response = api.patch(
            f"/api/v1/outreach-events/{event.pk}/", {"attendees": 70}, format="json", HTTP_IF_MATCH=f'"{event.pk}-1"'
        )
        assert response.status_code == 412
        assert response.json()["detail"] and response.json()["current_version"] == 2
        assert response.json()["changed_fields"] == {"attendees": [40, 50]}
        event.refresh_from_db()
        assert event.attendees == 50 and event.version == 2
        assert AuditEntry.objects.count() == audit_rows

    def test_stale_etag_on_delete_is_412(self, api, event):
        api.patch(f"/api/v1/outreach-events/{event.pk}/", {"attendees": 50}, format="json")
        response = api.delete(f"/api/v1/outreach-events/{event.pk}/", HTTP_IF_MATCH=f'"{event.pk}-1"')
        assert response.status_code == 412
        assert OutreachEvent.objects.filter(pk=event.pk).exists()

    @pytest.mark.parametrize("header", ['"1-"', "garbage", '"999-1"', 'W/"x"'])
    def test_unreadable_or_foreign_etag_is_412(self, api, event, header):
        response = api.patch(
            f"/api/v1/outreach-events/{event.pk}/", {"attendees": 70}, format="json", HTTP_IF_MATCH=header
        )
        assert response.status_code == 412
        event.refresh_from_db()
        assert event.attendees == 40

    def test_star_matches_any_version(self, api, event):
        response = api.patch(
            f"/api/v1/outreach-events/{event.pk}/", {"attendees": 70}, format="json", HTTP_IF_MATCH="*"
        )
        assert response.status_code == 200


def test_locked_month_is_409_with_the_reason(api, net, staff_qk, manager_qk, analyst_wh):
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    submission = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=DAY.replace(day=1))
    submission_approve(submission, user=analyst_wh)
    response = api.patch(f"/api/v1/outreach-events/{event.pk}/", {"attendees": 70}, format="json")
    assert response.status_code == 409
    assert "analyst_wh" in response.json()["detail"]
    created = api.post("/api/v1/outreach-events/", payload("outreach-events", net), format="json")
    assert created.status_code == 409
    assert OutreachEvent.objects.count() == 1
    assert Submission.objects.get().status == Submission.Status.APPROVED


class TestInterventionTransition:
    @pytest.fixture
    def case(self, net, staff_qk):
        from antifraud.services import intervention_create

        return intervention_create(user=staff_qk, **record_data("interventions", net))

    def test_moves_the_case_forward_through_the_workflow(self, api, case):
        path = f"/api/v1/interventions/{case.pk}/transition/"
        assert api.post(path, {"status": "police_notified"}, format="json").status_code == 200
        response = api.post(
            path, {"status": "confirmed", "police_unit": "硚口派出所", "amount_protected": "150000.00"}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "confirmed" and response.json()["amount_protected"] == "150000.00"
        assert [e.action for e in history(case)][:2] == [AuditEntry.Action.TRANSITION] * 2

    def test_backwards_is_400(self, api, case):
        path = f"/api/v1/interventions/{case.pk}/transition/"
        api.post(path, {"status": "customer_proceeded"}, format="json")
        response = api.post(path, {"status": "police_notified"}, format="json")
        assert response.status_code == 400 and "status" in response.json()

    def test_stale_if_match_is_412(self, api, case):
        path = f"/api/v1/interventions/{case.pk}/transition/"
        api.patch(f"/api/v1/interventions/{case.pk}/", {"police_unit": "派出所"}, format="json")
        response = api.post(path, {"status": "police_notified"}, format="json", HTTP_IF_MATCH=f'"{case.pk}-1"')
        assert response.status_code == 412
        case.refresh_from_db()
        assert case.status == Intervention.Status.SUSPECTED


def test_honour_links_the_record_that_earned_it(api, net, staff_qk):
    from antifraud.services import intervention_create

    case = intervention_create(user=staff_qk, **record_data("interventions", net))
    body = payload("honours", net) | {
        "kind": "commendation_letter",
        "linked_kind": "interventions",
        "linked_id": case.pk,
    }
    response = api.post("/api/v1/honours/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["linked_kind"] == "interventions" and response.json()["linked_id"] == case.pk
    assert Honour.objects.get().linked_record == case


def test_honour_cannot_link_a_record_outside_scope(api, net, staff_qk2):
    theirs = outreach_event_create(
        user=staff_qk2, **(record_data("outreach-events", net) | {"branch": net["WH-QK-02"]})
    )
    body = payload("honours", net) | {"linked_kind": "outreach-events", "linked_id": theirs.pk}
    response = api.post("/api/v1/honours/", body, format="json")
    assert response.status_code == 400 and "linked_id" in response.json()
    assert not Honour.objects.exists()


class TestFilters:
    @pytest.fixture
    def visits(self, net, staff_qk, staff_qk2, manager_qk):
        home_visit_create(user=staff_qk, **record_data("home-visits", net))
        home_visit_create(user=staff_qk, **(record_data("home-visits", net) | {"customer_group": "disabled"}))
        home_visit_create(
            user=staff_qk2,
            **(record_data("home-visits", net, net["WH-QK-02"]) | {"occurred_on": datetime.date(2025, 3, 2)}),
        )
        return token_client(manager_qk)

    def codes(self, response) -> list[str]:
        assert response.status_code == 200, response.content
        return sorted(r["branch"] for r in response.json()["results"])

    def test_branch_is_the_whole_subtree(self, visits):
        assert self.codes(visits.get("/api/v1/home-visits/?branch=WH-QK")) == ["WH-QK-01", "WH-QK-01", "WH-QK-02"]
        assert self.codes(visits.get("/api/v1/home-visits/?branch=WH-QK-02")) == ["WH-QK-02"]

    def test_branch_outside_scope_is_400(self, visits):
        assert visits.get("/api/v1/home-visits/?branch=WH-BBT").status_code == 400

    def test_date_range(self, visits):
        assert self.codes(visits.get("/api/v1/home-visits/?date_from=2025-08-01&date_to=2025-08-31")) == [
            "WH-QK-01",
            "WH-QK-01",
        ]
        assert self.codes(visits.get("/api/v1/home-visits/?date_to=2025-03-31")) == ["WH-QK-02"]

    def test_kind_fields(self, visits):
        assert len(self.codes(visits.get("/api/v1/home-visits/?customer_group=disabled"))) == 1
        assert visits.get("/api/v1/home-visits/?customer_group=nobody").status_code == 400

    def test_ordering(self, visits):
        dates = [r["occurred_on"] for r in visits.get("/api/v1/home-visits/?ordering=occurred_on").json()["results"]]
        assert dates == sorted(dates)

    def test_page_size_is_capped(self, visits, settings):
        settings.API_MAX_PAGE_SIZE = 2
        response = visits.get("/api/v1/home-visits/?page_size=1000")
        assert len(response.json()["results"]) == 2 and response.json()["count"] == 3
        assert len(visits.get("/api/v1/home-visits/?page_size=1").json()["results"]) == 1


def test_csv_list(net, staff_qk, manager_qk):
    outreach_event_create(user=staff_qk, **(record_data("outreach-events", net) | {"place": "=HYPERLINK(1)"}))
    outreach_event_create(user=staff_qk, **(record_data("outreach-events", net) | {"place": "社区中心"}))
    response = token_client(manager_qk).get("/api/v1/outreach-events/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 and rows[0]["branch"] == "WH-QK-01"
    assert {r["place"] for r in rows} == {"'=HYPERLINK(1)", "社区中心"}


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_list_query_count_does_not_grow_with_rows(kind, net, staff_qk, love_station_everywhere):
    api = token_client(staff_qk)
    people = [net.staff("WH-QK-01", f"员工{i}") for i in range(2)]
    fields = record_data(kind.slug, net, net["WH-QK-01"])
    for name in kind.m2m:
        fields[name] = people

    def add(n, start):
        for i in range(n):
            extra = {"occurred_on": DAY - datetime.timedelta(days=start + i)}
            kind.create(user=staff_qk, **(fields | extra))

    add(1, 0)
    one = _queries(api, url(kind))
    add(12, 1)
    assert _queries(api, url(kind)) == one
    assert _queries(api, url(kind) + "?format=csv") == one


def test_session_clients_need_csrf_for_writes(net, staff_qk):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(staff_qk)
    assert browser.get("/api/v1/outreach-events/").status_code == 200
    refused = browser.post("/api/v1/outreach-events/", payload("outreach-events", net), format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not OutreachEvent.objects.exists()
    token = browser.get("/api/v1/tokens/").cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/outreach-events/", payload("outreach-events", net), format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201
