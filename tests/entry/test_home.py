"""Each role's home page (issue 21): quick-add buttons for the kinds the user logs (most used
first), their own recent records by date, what is due; managers' months and approvals;
analysts' lagging branches; a constant number of queries whatever the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from branches.models import Role
from core.kinds import kind_for_slug, record_kinds
from metrics.models import Submission
from records.services import record_bulk_create
from submissions.services import submission_return, submission_submit
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
AUG = datetime.date(2025, 8, 1)
TODAY = datetime.date.today()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def log(net, user, slug, **changes):
    return kind_for_slug(slug).create(user=user, **{**record_data(slug, net), **changes})


def home_of(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def queries_of(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_staff_get_a_button_per_kind_their_most_used_first(client, net, staff_qk):
    for day in (1, 2, 3):  # counted over the last year's records
        log(net, staff_qk, "outreach-events", occurred_on=days_ago(day))
    log(net, staff_qk, "interventions", occurred_on=days_ago(5))
    for day in (1, 2, 3, 4, 5):
        log(net, staff_qk, "home-visits", occurred_on=days_ago(400 + day))
    page = home_of(client, staff_qk)
    slugs = [b.slug for b in page.context["home"].quick_add]
    assert slugs[:2] == ["outreach-events", "interventions"]
    html = page.content.decode()
    for kind in record_kinds():
        if kind.form_class is not None:
            assert f'href="{kind.url("new")}"' in html, kind.slug  # one tap to every form
    assert 'href="/services/home-visits/follow-ups/"' in html  # and to the kinds' work pages


def test_a_kind_limited_to_some_branches_is_offered_only_there(client, net, staff_qk):
    net["WH-QK-01"].love_station_since = None
    net["WH-QK-01"].save()
    slugs = [b.slug for b in home_of(client, staff_qk).context["home"].quick_add]
    assert "love-station-tallies" not in slugs and "home-visits" in slugs


def test_staff_at_a_love_station_get_the_tally(client, net):
    staff_hy = net.user("staff_hy", "WH-HY-01", Role.OUTLET_STAFF)
    slugs = [b.slug for b in home_of(client, staff_hy).context["home"].quick_add]
    assert "love-station-tallies" in slugs


def test_own_recent_records_by_date_not_by_entry(client, net, staff_qk, staff_qk2):
    newer = log(net, staff_qk, "outreach-events", occurred_on=datetime.date(2025, 8, 20))
    older = log(net, staff_qk, "interventions", occurred_on=datetime.date(2025, 8, 2))
    log(net, staff_qk2, "outreach-events", branch=net["WH-QK-02"])  # not theirs
    recent = home_of(client, staff_qk).context["home"].recent
    assert recent == [newer, older]


def test_own_records_are_found_from_the_audit_log_single_and_imported(client, net, staff_qk, manager_qk):
    """Records are found through the user's audit entries (the record tables have no index by
    author): one by one, and the last ones of a bulk import; not other users' in the scope."""
    single = log(net, staff_qk, "outreach-events", occurred_on=days_ago(30))
    model = kind_for_slug("outreach-events").model
    rows = [record_data("outreach-events", net) | {"occurred_on": days_ago(20 - i)} for i in range(3)]
    imported = record_bulk_create(model, user=staff_qk, rows=rows, action=AuditEntry.Action.IMPORT)
    log(net, manager_qk, "outreach-events", occurred_on=days_ago(1))  # in scope, not theirs
    home = home_of(client, staff_qk).context["home"]
    assert home.recent == [*sorted(imported, key=lambda r: r.occurred_on, reverse=True), single]
    assert home.quick_add[0].slug == "outreach-events" and home.quick_add[0].count == 4
    assert home_of(client, manager_qk).context["home"].recent[0].occurred_on == days_ago(1)


def test_the_query_count_does_not_grow_with_the_data(client, net, staff_qk, manager_qk, analyst_wh):
    for slug in ("outreach-events", "interventions", "home-visits"):  # at most one query per kind logged
        log(net, staff_qk, slug)
    before = {u.username: queries_of(client, u) for u in (staff_qk, manager_qk, analyst_wh)}
    for day in range(1, 25):
        for slug in ("outreach-events", "interventions", "home-visits"):
            log(net, staff_qk, slug, occurred_on=datetime.date(2025, 7, day))
    for code in ("WH-QK", "WH-BBT", "WH-HY"):
        submission_submit(user=net.root_user, branch=net[code], month=AUG)
    after = {u.username: queries_of(client, u) for u in (staff_qk, manager_qk, analyst_wh)}
    assert after == before
    assert max(after.values()) <= 2 * len(record_kinds()) + 25


def test_managers_see_months_to_submit_returned_and_approvals_not_their_own(client, net, manager_qk, analyst_wh):
    manager_qk01 = net.user("manager_qk01", "WH-QK-01", Role.BRANCH_MANAGER)
    own = submission_submit(user=manager_qk, branch=net["WH-QK"], month=AUG)
    below = submission_submit(user=manager_qk01, branch=net["WH-QK-01"], month=AUG)
    home = home_of(client, manager_qk).context["home"]
    assert home.to_approve == [below]  # their own WH-QK month is not theirs to approve
    assert all(branch == net["WH-QK"] for branch, _month in home.to_submit)
    assert AUG not in [m for _b, m in home.to_submit] or own.month != AUG
    submission_return(own, user=analyst_wh, reason="缺少8月照片")
    page = home_of(client, manager_qk)
    assert page.context["home"].returned == [Submission.objects.get(pk=own.pk)]
    assert "缺少8月照片" in page.content.decode()


def test_analysts_see_the_branches_behind_linked_to_the_dashboard(client, net, analyst_wh):
    page = home_of(client, analyst_wh)
    lagging = page.context["home"].lagging
    assert not page.context["home"].quick_add  # analysts record nothing
    if datetime.date.today().month > 1:  # the year's ended months are not all submitted
        assert {lag.branch.code for lag in lagging} == {"WH-QK", "WH-BBT", "WH-HY"}
        assert 'href="/dashboard/WH-BBT/"' in page.content.decode()


def test_analysts_see_the_requests_to_reopen_a_month_they_approved(client, net, staff_qk, manager_qk, analyst_wh):
    from reminders.reopen import request_reopen
    from submissions.services import submission_approve

    visit = log(net, staff_qk, "home-visits", occurred_on=datetime.date(2025, 8, 12))
    sub = submission_approve(submission_submit(user=manager_qk, branch=net["WH-QK"], month=AUG), user=analyst_wh)
    assert request_reopen(visit, user=staff_qk) >= 1
    page = home_of(client, analyst_wh)
    (notification, text), *_others = page.context["home"].overdue
    assert notification.kind == "reopen_requested" and notification.branch == sub.branch
    assert f'href="{notification.url}"' in page.content.decode()
