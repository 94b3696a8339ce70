"""Titles with a validity: warning, downgrade, revocation and renewal, audited; the honours
metric keeps counting awards by award date (revoked ones included); the dashboard warns of
titles that lapse within 90 days."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.history import history
from core.errors import OutOfScope, PeriodLocked
from core.periods import parse_period
from dashboards.lapsing import lapsing_titles
from honours.models import Honour
from honours.services import honour_create, honour_downgrade, honour_renew, honour_revoke, honour_update, honour_warn
from metrics.selectors import split_totals, totals
from records.pages.display import field_label
from submissions.services import submission_approve, submission_submit
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


def test_warn_records_status_date_and_reason_and_audits_it(youth_title, manager_qk):
    warned = honour_warn(youth_title, user=manager_qk, reason="复核发现服务投诉", on=datetime.date(2026, 1, 10))
    assert (warned.status, warned.status_since, warned.status_reason) == (
        "warned",
        datetime.date(2026, 1, 10),
        "复核发现服务投诉",
    )
    entry = history(warned)[0]
    assert entry.action == "transition" and entry.user == manager_qk
    assert entry.changes["status"] == ["active", "warned"] and entry.changes["status_reason"] == [
        "",
        "复核发现服务投诉",
    ]
    assert warned.version == youth_title.version + 1


def test_downgrade_lowers_the_star_level_only(youth_title, manager_qk):
    with pytest.raises(ValidationError) as refused:
        honour_downgrade(youth_title, user=manager_qk, star_level=3, reason="复核")
    assert "star_level" in refused.value.message_dict
    down = honour_downgrade(youth_title, user=manager_qk, star_level=1, reason="复核未达二星标准")
    assert (down.status, down.star_level) == ("downgraded", 1)
    assert history(down)[0].changes["star_level"] == [2, 1]


def test_revoked_is_final_and_still_counts_as_awarded(youth_title, manager_qk, net):
    year = parse_period("2025")
    before = split_totals(net["WH"], year, "honours", "kind")["kind:title"]
    revoked = honour_revoke(youth_title, user=manager_qk, reason="发生重大违规事件")
    assert revoked.status == "revoked"
    # The honours metric counts awards by award date: a later revocation does not rewrite 2025.
    assert split_totals(net["WH"], year, "honours", "kind")["kind:title"] == before == 1
    assert totals(net["WH-QK-01"], year, ["honours"])["honours"] == 1
    with pytest.raises(ValidationError):
        honour_renew(revoked, user=manager_qk, valid_until=datetime.date(2029, 5, 3))
    with pytest.raises(ValidationError):
        honour_warn(revoked, user=manager_qk, reason="再次")


def test_renew_extends_by_one_two_year_cycle_and_clears_the_warning(youth_title, manager_qk):
    warned = honour_warn(youth_title, user=manager_qk, reason="待复核")
    renewed = honour_renew(warned, user=manager_qk, reason="复核通过")
    assert renewed.status == "active" and renewed.valid_until == datetime.date(2029, 5, 3)
    with pytest.raises(ValidationError) as refused:
        honour_renew(renewed, user=manager_qk, valid_until=datetime.date(2028, 1, 1))
    assert "valid_until" in refused.value.message_dict
    actions = [e.changes.get("status") for e in history(renewed) if e.action == "transition"]
    assert actions == [["warned", "active"], ["active", "warned"]]


def test_only_titles_have_a_lifecycle_and_a_reason_is_required(net, staff_qk, manager_qk, youth_title):
    ticket = honour_create(user=staff_qk, **record_data("honours", net))
    with pytest.raises(ValidationError):
        honour_warn(ticket, user=manager_qk, reason="x")
    with pytest.raises(ValidationError) as refused:
        honour_warn(youth_title, user=manager_qk, reason="  ")
    assert "status_reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        honour_warn(youth_title, user=manager_qk, reason="未来", on=datetime.date(2100, 1, 1))


def test_status_is_not_set_by_an_ordinary_edit(youth_title, manager_qk):
    with pytest.raises(ValidationError) as refused:
        honour_update(youth_title, user=manager_qk, status="revoked")
    assert "status" in refused.value.message_dict


def test_out_of_scope_users_cannot_change_a_title(youth_title, staff_qk2):
    with pytest.raises(OutOfScope):
        honour_revoke(youth_title, user=staff_qk2, reason="x")


def test_an_approved_award_month_does_not_block_the_lifecycle_but_blocks_edits(
    youth_title, manager_qk, analyst_wh, net
):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK"], month=datetime.date(2025, 5, 1))
    submission_approve(sub, user=analyst_wh)
    with pytest.raises(PeriodLocked):
        honour_update(youth_title, user=manager_qk, title="改名")
    # A warning moves no reported figure, so the approved May stays as approved.
    warned = honour_warn(youth_title, user=manager_qk, reason="复核")
    assert warned.status == "warned"


def test_entry_pages_show_the_status(client, youth_title, manager_qk):
    honour_warn(youth_title, user=manager_qk, reason="复核发现服务投诉")
    client.force_login(manager_qk)
    detail = client.get(youth_title.get_absolute_url()).content.decode()
    assert "复核发现服务投诉" in detail and str(Honour.Status.WARNED.label) in detail
    listing = client.get(reverse("honours:honours-list")).content.decode()
    assert str(field_label(Honour, "status")) in listing and str(Honour.Status.WARNED.label) in listing


def _title(net, user, code, valid_until, **extra):
    return honour_create(
        user=user,
        branch=net[code],
        occurred_on=datetime.date(2025, 1, 10),
        kind="title",
        level="bank_branch",
        title=f"文明号 {code} {valid_until}",
        valid_until=valid_until,
        **extra,
    )


def test_titles_lapsing_within_90_days_of_the_subtree(net, root_user, manager_qk):
    soon = _title(net, root_user, "WH-QK-01", TODAY + datetime.timedelta(days=30))
    edge = _title(net, root_user, "WH-QK-02", TODAY + datetime.timedelta(days=90))
    _title(net, root_user, "WH-QK-01", TODAY + datetime.timedelta(days=91))
    _title(net, root_user, "WH-QK-01", TODAY - datetime.timedelta(days=1))
    _title(net, root_user, "WH-BBT", TODAY + datetime.timedelta(days=10))  # outside WH-QK
    gone = _title(net, root_user, "WH-QK-01", TODAY + datetime.timedelta(days=5))
    honour_revoke(gone, user=root_user, reason="撤销", on=datetime.date(2025, 6, 1))
    lapsing_titles(manager_qk, net["WH-QK"], today=TODAY)  # the user's roles are read once and kept
    with CaptureQueriesContext(connection) as ctx:
        found = lapsing_titles(manager_qk, net["WH-QK"], today=TODAY)
    assert len(ctx.captured_queries) == 1
    assert [(i["record"].pk, i["days_left"]) for i in found] == [(soon.pk, 30), (edge.pk, 90)]


def test_the_dashboard_warns_of_lapsing_titles(client, net, root_user, analyst_wh):
    today = timezone.localdate()
    soon = _title(net, root_user, "WH-HY-01", today + datetime.timedelta(days=45))
    later = _title(net, root_user, "WH-HY-01", today + datetime.timedelta(days=200))
    client.force_login(analyst_wh)
    page = client.get(reverse("dashboard:node", args=["WH"]) + "?period=2025")
    html = page.content.decode()
    panel = html[html.index('class="mb-3 lapsing-titles"') :].split("</section>")[0]
    assert page.status_code == 200
    assert [i["record"].pk for i in page.context["lapsing"]] == [soon.pk]
    assert soon.title in panel and later.title not in panel and 'data-days-left="45"' in panel
