"""Monthly submission pages: submit, nil return, approve (never by the author), return, reopen;
an approved month refuses record changes with the approver named; completeness per child."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from metrics.models import Submission
from services.models import OutreachEvent
from services.services import outreach_event_create
from submissions.services import submission_approve, submission_submit
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
AUG = datetime.date(2025, 8, 1)
QK01 = "/submissions/WH-QK-01/2025-08/"


def sub_of(net, code="WH-QK-01", month=AUG):
    return Submission.objects.filter(branch=net[code], month=month).first()


def test_manager_submits_and_analyst_approves(client, net, manager_qk, analyst_wh):
    client.force_login(manager_qk)
    assert client.get(QK01).status_code == 200
    assert client.post(QK01 + "submit/", {"note": "8月台账已核对"}).status_code == 302
    sub = sub_of(net)
    assert sub.status == "submitted" and not sub.is_nil_return and sub.submitted_by == manager_qk

    # The author may not approve, even though his role could approve below WH-QK.
    assert client.post(QK01 + "approve/").status_code == 403
    assert sub_of(net).status == "submitted"

    client.force_login(analyst_wh)
    page = client.get(QK01)
    assert page.context["can_approve"]
    assert client.post(QK01 + "approve/").status_code == 302
    sub = sub_of(net)
    assert sub.status == "approved" and sub.decided_by == analyst_wh
    assert AuditEntry.objects.filter(action="approve", object_id=sub.pk, user=analyst_wh).exists()


def test_an_approver_who_recorded_that_month_may_not_approve(client, net, manager_qk, staff_qk):
    outreach_event_create(user=manager_qk, **record_data("outreach-events", net))
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    other_manager = net.user("manager2", "WH-QK", "branch_manager")
    client.force_login(manager_qk)
    assert client.post(QK01 + "approve/").status_code == 403
    client.force_login(other_manager)
    assert client.post(QK01 + "approve/").status_code == 302
    sub.refresh_from_db()
    assert sub.decided_by == other_manager


def test_staff_cannot_submit_and_outsiders_see_nothing(client, net, staff_qk, staff_qk2):
    client.force_login(staff_qk)
    page = client.get(QK01)
    assert page.status_code == 200 and page.context["submit_form"] is None
    assert client.post(QK01 + "submit/").status_code == 403
    client.force_login(staff_qk2)
    assert client.get(QK01).status_code == 404
    assert client.post(QK01 + "nil-return/").status_code == 404
    assert not Submission.objects.exists()


def test_nil_return(client, net, manager_qk):
    client.force_login(manager_qk)
    assert client.post("/submissions/WH-QK-02/2025-08/nil-return/").status_code == 302
    sub = sub_of(net, "WH-QK-02")
    assert sub.is_nil_return and sub.status == "submitted"
    page = client.get("/submissions/WH-QK/2025-08/").content.decode()
    assert 'data-branch="WH-QK-02" data-status="nil_return"' in page


def test_return_needs_a_reason_then_resubmit(client, net, manager_qk, analyst_wh):
    submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    client.force_login(analyst_wh)
    response = client.post(QK01 + "return/", {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["return_form"].errors
    assert sub_of(net).status == "submitted"
    assert client.post(QK01 + "return/", {"reason": "上门服务缺少录音编号"}).status_code == 302
    assert sub_of(net).status == "returned" and sub_of(net).reason == "上门服务缺少录音编号"
    client.force_login(manager_qk)
    assert "上门服务缺少录音编号" in client.get(QK01).content.decode()
    assert client.post(QK01 + "submit/").status_code == 302
    assert sub_of(net).status == "submitted"


def test_submitting_twice_or_a_future_month_is_a_form_error(client, net, manager_qk):
    client.force_login(manager_qk)
    client.post(QK01 + "submit/")
    response = client.post(QK01 + "submit/")
    assert response.status_code == 200 and "2025-08" in str(response.context["submit_form"].non_field_errors())
    future = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).strftime("%Y-%m")
    response = client.post(f"/submissions/WH-QK-01/{future}/submit/")
    assert response.status_code == 200 and response.context["submit_form"].non_field_errors()
    assert Submission.objects.count() == 1


@pytest.fixture
def locked(net, staff_qk, manager_qk, analyst_wh):
    analyst_wh.first_name = "刘洋"
    analyst_wh.save()
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    submission_approve(sub, user=analyst_wh)
    return event


def test_an_approved_month_refuses_create_edit_delete_with_the_reason(client, net, staff_qk, locked):
    client.force_login(staff_qk)
    detail = f"/services/outreach-events/{locked.pk}/"
    for page in ("", "edit/", "delete/"):  # said before anything is typed: the record opens read-only
        response = client.get(detail + page, follow=True)
        html = response.content.decode()
        assert response.redirect_chain in ([], [(detail, 302)]) and "刘洋" in html
        assert f'href="{detail}edit/"' not in html and f'href="{detail}delete/"' not in html
        assert 'name="version"' not in html and "request-reopen" in html
    data = {"branch": str(net["WH-QK-01"].pk), "occurred_on": "2025-08-20", "venue_type": "park", "theme": "pension"}
    data["attendees"] = "10"
    before = (OutreachEvent.objects.count(), AuditEntry.objects.count())
    for url, payload in [
        ("/services/outreach-events/new/", data),
        (f"/services/outreach-events/{locked.pk}/edit/", data | {"version": "1"}),
    ]:
        response = client.post(url, payload)
        message = str(response.context["form"].non_field_errors())
        assert response.status_code == 200 and "刘洋" in message and "2025-08" in message
    response = client.post(f"/services/outreach-events/{locked.pk}/delete/", {"version": "1"})
    assert response.status_code == 200 and "刘洋" in response.content.decode()
    assert (OutreachEvent.objects.count(), AuditEntry.objects.count()) == before
    # Another month is open.
    assert client.post("/services/outreach-events/new/", data | {"occurred_on": "2025-09-02"}).status_code == 302


def test_reopen_with_a_reason_unlocks(client, net, staff_qk, analyst_wh, locked):
    client.force_login(analyst_wh)
    response = client.post(QK01 + "reopen/", {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["reopen_form"].errors
    assert client.post(QK01 + "reopen/", {"reason": "补录8月上门服务"}).status_code == 302
    assert sub_of(net).status == "reopened"
    assert AuditEntry.objects.get(action="reopen").reason == "补录8月上门服务"
    client.force_login(staff_qk)
    response = client.post(
        f"/services/outreach-events/{locked.pk}/edit/",
        {"branch": str(net["WH-QK-01"].pk), "occurred_on": "2025-08-14", "venue_type": "community"}
        | {"theme": "anti_fraud", "attendees": "41", "version": "1"},
    )
    assert response.status_code == 302


def test_completeness_shows_each_childs_status(client, net, manager_qk, analyst_wh):
    manager_bbt = net.user("manager_bbt", "WH-BBT", "branch_manager")
    on_time = submission_submit(user=manager_qk, branch=net["WH-QK"], month=AUG)
    Submission.objects.filter(pk=on_time.pk).update(submitted_at=datetime.datetime(2025, 9, 5, tzinfo=datetime.UTC))
    submission_submit(user=manager_bbt, branch=net["WH-BBT"], month=AUG, nil_return=True)
    late = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)  # now: long after 10 Sept
    returned = submission_submit(user=manager_qk, branch=net["WH-QK-02"], month=AUG)
    from submissions.services import submission_return

    submission_return(returned, user=analyst_wh, reason="缺少照片")
    client.force_login(analyst_wh)
    page = client.get("/submissions/WH/2025-08/").content.decode()
    assert 'data-branch="WH-QK" data-status="on_time"' in page
    assert 'data-branch="WH-BBT" data-status="nil_return"' in page
    assert 'data-branch="WH-HY" data-status="missing"' in page
    page = client.get("/submissions/WH-QK/2025-08/").content.decode()
    assert 'data-branch="WH-QK-01" data-status="late"' in page
    assert 'data-branch="WH-QK-02" data-status="returned"' in page
    assert late.is_late
    year = client.get("/submissions/WH/year/2025/")
    assert year.status_code == 200
    statuses = {node.code: [cell.status for cell in cells] for node, _depth, cells in year.context["rows"]}
    assert (statuses["WH-QK"][7], statuses["WH-BBT"][7], statuses["WH-HY"][7]) == ("on_time", "nil_return", "missing")
    # The whole subtree: WH itself, its sub-branches and their outlets.
    assert (statuses["WH-QK-01"][7], statuses["WH-QK-02"][7]) == ("late", "returned")
    assert year.context["done"] == 3 and year.context["expected"] == 7 * 12


@pytest.mark.parametrize(
    "url",
    [
        "/submissions/WH-QK-01/2025-13/",
        "/submissions/WH-QK-01/25-08/",
        "/submissions/WH-QK-01/0000-01/",
        "/submissions/NO-SUCH/2025-08/",
        "/submissions/WH-BBT/2025-08/",  # outside the manager's scope
        "/submissions/WH/year/1900/",
        "/submissions/WH-BBT/year/2025/",
    ],
)
def test_bad_or_foreign_month_pages_are_404(client, manager_qk, url):
    client.force_login(manager_qk)
    assert client.get(url).status_code == 404


def test_index_links_the_users_nodes_and_picks(client, net, manager_qk):
    client.force_login(manager_qk)
    page = client.get("/submissions/")
    assert page.status_code == 200 and "/submissions/WH-QK/" in page.content.decode()
    response = client.get("/submissions/", {"branch": "WH-QK-01", "month": "2025-08"})
    assert response.status_code == 302 and response["Location"] == QK01
    bad = client.get("/submissions/", {"branch": "WH-BBT", "month": "August"})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"branch", "month"}
