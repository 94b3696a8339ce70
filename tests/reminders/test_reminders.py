"""Reminders on a frozen clock, one kind at a time: found on the right day, sent to the people
of the node who resolve them, never twice, not once resolved; scoped (an item of WH-BBT never
reaches WH-QK's people); the bell's count, the list, read and unread; e-mail when configured."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from background.models import TaskRun
from branches.models import Role
from branches.services import target_set
from honours.models import Honour
from honours.reminders import honours_lapsing
from honours.services import honour_create, honour_renew, honour_revoke
from reminders import finding, services
from reminders.models import Notification
from reminders.tasks import send_reminders
from services.reminders import follow_ups
from services.services import home_visit_create, home_visit_follow_up_done, outreach_event_create
from submissions.services import submission_submit
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

K = Notification.Kind
SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: datetime.date, hour=9):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), SHANGHAI), tick=False)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def people(net, staff_qk):
    return {
        "staff_qk": staff_qk,
        "mgr_qk01": net.user("mgr_qk01", "WH-QK-01", Role.BRANCH_MANAGER, email="mgr_qk01@example.cn"),
        "mgr_qk": net.user("mgr_qk", "WH-QK", Role.BRANCH_MANAGER),
        "staff_bbt": net.user("staff_bbt", "WH-BBT", Role.OUTLET_STAFF),
        "mgr_bbt": net.user("mgr_bbt", "WH-BBT", Role.BRANCH_MANAGER, email="mgr_bbt@example.cn"),
        "analyst_wh": net.user("analyst_wh", "WH", Role.ANALYST),
    }


def notified(kind=None) -> set[tuple[str, str]]:
    """(username, branch code) of every notification (of the kind)."""
    rows = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return set(rows.values_list("user__username", "branch__code"))


def notify(day: datetime.date) -> int:
    with on(day):
        return services.notify_due()


@pytest.fixture
def only(monkeypatch):
    """Find one kind of reminder only, to count it alone."""

    def use(*finders):
        monkeypatch.setattr(finding, "FINDERS", finders)
        monkeypatch.setattr(finding, "record_kinds", lambda: [])  # the kinds' own finders too

    return use


# ---- months not submitted ----------------------------------------------------------------


def test_a_month_not_submitted_is_reminded_from_the_configured_day_to_its_submitters(net, people, settings, only):
    only(finding.months_not_submitted)
    settings.REMINDER_SUBMISSION_DAY = 8
    assert notify(d("2026-03-07")) == 0
    with on(d("2026-03-08")):
        submission_submit(user=people["mgr_bbt"], branch=net["WH-BBT"], month=d("2026-02-01"), nil_return=True)
    assert notify(d("2026-03-08")) == 2
    assert notified(K.MONTH_DUE) == {("mgr_qk01", "WH-QK-01"), ("mgr_qk", "WH-QK")}
    n = Notification.objects.get(user=people["mgr_qk01"])
    assert n.params == {"month": "2026-02", "due": "2026-03-10"} and n.url == "/submissions/WH-QK-01/2026-02/"
    assert notify(d("2026-03-09")) == 0  # not sent twice
    settings.REMINDER_SUBMISSION_DAY = 3
    assert notify(d("2026-04-03")) == 3  # March: BBT's submitted February is no excuse
    assert notified(K.MONTH_DUE) >= {("mgr_bbt", "WH-BBT")}


# ---- home-visit follow-ups ----------------------------------------------------------------


def test_a_follow_up_is_reminded_when_due_and_again_when_overdue_until_done(net, people, only):
    only(follow_ups)
    with on(d("2026-03-08")):
        visit = home_visit_create(
            user=people["staff_qk"], **{**record_data("home-visits", net), "occurred_on": d("2026-03-08")}
        )
        done = home_visit_create(
            user=people["staff_qk"], **{**record_data("home-visits", net), "occurred_on": d("2026-03-08")}
        )
        home_visit_follow_up_done(done, user=people["staff_qk"], done_on=d("2026-03-08"))
    assert visit.follow_up_due == d("2026-03-11")
    assert notify(d("2026-03-09")) == 0  # due in two days
    assert notify(d("2026-03-10")) == 2
    assert notified(K.FOLLOW_UP_DUE) == {("staff_qk", "WH-QK-01"), ("mgr_qk01", "WH-QK-01")}
    assert notify(d("2026-03-11")) == 0
    assert notify(d("2026-03-12")) == 2 and notified(K.FOLLOW_UP_OVERDUE) == notified(K.FOLLOW_UP_DUE)
    assert notify(d("2026-03-13")) == 0
    assert Notification.objects.filter(key__endswith=f":{done.pk}").count() == 0
    assert Notification.objects.get(user=people["staff_qk"], kind=K.FOLLOW_UP_DUE).url == visit.get_absolute_url()


def test_a_follow_up_done_is_not_reminded_and_old_ones_stop_after_the_window(net, people, settings, only):
    only(follow_ups)
    settings.REMINDER_OVERDUE_DAYS = 14
    with on(d("2026-03-08")):
        visit = home_visit_create(
            user=people["staff_qk"], **{**record_data("home-visits", net), "occurred_on": d("2026-03-08")}
        )
    with on(d("2026-03-10")):
        home_visit_follow_up_done(visit, user=people["staff_qk"], done_on=d("2026-03-10"))
    assert notify(d("2026-03-10")) == 0 and notify(d("2026-03-12")) == 0
    with on(d("2026-03-08")):
        late = home_visit_create(
            user=people["staff_qk"], **{**record_data("home-visits", net), "occurred_on": d("2026-03-08")}
        )
    assert notify(d("2026-03-26")) == 0  # due 2026-03-11, more than 14 days ago
    assert late.follow_up_done_on is None


# ---- honours lapsing ------------------------------------------------------------------------


def title(net, user, until: str, **extra) -> Honour:
    fields = dict(branch=net["WH-QK-01"], occurred_on=d("2024-07-01"), kind="title", level="city", title="青年文明号")
    return honour_create(user=user, **{**fields, "valid_until": d(until), **extra})


def test_a_title_lapsing_within_90_days_is_reminded_once_and_again_after_its_renewal(net, people, settings, only):
    only(honours_lapsing)
    settings.REMINDER_HONOUR_DAYS = 90
    with on(d("2026-03-01")):
        honour = title(net, people["mgr_qk01"], "2026-06-30")
        revoked = title(net, people["mgr_qk01"], "2026-05-31")
        honour_revoke(revoked, user=people["mgr_qk01"], reason="复核未通过")
    assert notify(d("2026-03-31")) == 0  # 91 days before
    assert notify(d("2026-04-01")) == 1
    assert notified(K.HONOUR_LAPSING) == {("mgr_qk01", "WH-QK-01")}
    assert notify(d("2026-05-01")) == 0
    with on(d("2026-05-02")):
        honour_renew(honour, user=people["mgr_qk01"], reason="复核通过")  # valid until 2028-06-30
    assert notify(d("2026-05-03")) == 0
    assert notify(d("2028-04-01")) == 1  # the renewed validity lapses in its turn


# ---- targets behind pace ------------------------------------------------------------------


def test_a_target_behind_pace_is_reminded_in_the_last_days_of_the_quarter(net, people, settings, only):
    only(finding.targets_behind)
    settings.REMINDER_TARGET_DAYS = 14
    with on(d("2026-03-01")):
        target_set(user=people["mgr_qk01"], branch=net["WH-QK-01"], year=2026, metric="outreach_events", value=8)
        target_set(user=people["mgr_bbt"], branch=net["WH-BBT"], year=2026, metric="outreach_events", value=4)
        outreach_event_create(
            user=people["staff_bbt"],
            **{**record_data("outreach-events", net), "branch": net["WH-BBT"], "occurred_on": d("2026-02-01")},
        )
    assert notify(d("2026-03-17")) == 0  # 14 days before the quarter ends
    assert notify(d("2026-03-18")) == 1  # WH-QK-01 has 0 of the 2 due by Q1's end; WH-BBT 1 of 1
    assert notified(K.TARGET_BEHIND) == {("mgr_qk01", "WH-QK-01")}
    n = Notification.objects.get(user=people["mgr_qk01"])
    assert n.params["expected"] == "2" and n.params["value"] == "0" and n.params["quarter"] == 1
    assert notify(d("2026-03-31")) == 0
    with on(d("2026-06-20")):
        for day in ("2026-04-01", "2026-05-01", "2026-06-01", "2026-06-02"):
            outreach_event_create(
                user=people["staff_qk"], **{**record_data("outreach-events", net), "occurred_on": d(day)}
            )
    assert notify(d("2026-06-20")) == 1  # WH-QK-01 has 4 of the 4 due by Q2's end; WH-BBT 1 of 2
    assert notified(K.TARGET_BEHIND) == {("mgr_qk01", "WH-QK-01"), ("mgr_bbt", "WH-BBT")}
    assert notify(d("2026-09-20")) == 2  # Q3: both behind (4 of 6, 1 of 3)


# ---- scope ------------------------------------------------------------------------------------


def test_an_item_of_wh_bbt_never_reaches_wh_qk(net, people, settings):
    settings.REMINDER_SUBMISSION_DAY = 1
    with on(d("2026-03-10")):
        home_visit_create(
            user=people["staff_bbt"],
            **{**record_data("home-visits", net, net["WH-BBT"]), "occurred_on": d("2026-03-08")},
        )
        title(net, people["mgr_bbt"], "2026-04-30", branch=net["WH-BBT"])
        target_set(user=people["mgr_bbt"], branch=net["WH-BBT"], year=2026, metric="outreach_events", value=40)
    notify(d("2026-03-20"))
    bbt = Notification.objects.filter(branch=net["WH-BBT"])
    # Every kind the nightly run finds (a request to reopen is sent by a user, not found).
    assert set(bbt.values_list("kind", flat=True)) == set(K.values) - {K.FOLLOW_UP_DUE, K.REOPEN_REQUESTED}
    assert set(bbt.values_list("user__username", flat=True)) == {"staff_bbt", "mgr_bbt"}
    for name in ("staff_qk", "mgr_qk01", "mgr_qk"):
        assert not services.visible_to(people[name]).filter(branch=net["WH-BBT"]).exists()
    # Even a notification wrongly addressed to a WH-QK user stays out of their bell and list.
    wrong = bbt.first()
    Notification.objects.create(user=people["mgr_qk"], branch=net["WH-BBT"], kind=wrong.kind, key="x", url="/")
    assert not services.visible_to(people["mgr_qk"]).filter(branch=net["WH-BBT"]).exists()


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.lists(st.dates(d("2026-01-01"), d("2027-12-31")), min_size=1, max_size=4))
def test_any_days_send_each_item_once_to_people_of_its_node_only(net, people, days):
    """Whatever the days the task runs on, in whatever order: no user has two notifications of
    one item, and every notification's node is in its user's own branch."""
    Notification.objects.all().delete()
    with on(d("2026-01-01")):
        if not Honour.objects.exists():
            title(net, people["mgr_qk01"], "2026-06-30")
            title(net, people["mgr_bbt"], "2027-02-28", branch=net["WH-BBT"])
            target_set(user=people["mgr_bbt"], branch=net["WH-BBT"], year=2026, metric="outreach_events", value=40)
    for day in days + days:
        notify(day)
    keys = list(Notification.objects.values_list("user_id", "key"))
    assert len(keys) == len(set(keys))
    for n in Notification.objects.select_related("user", "branch"):
        homes = {m.branch.code for m in n.user.memberships.select_related("branch")}
        assert n.branch.code in homes


# ---- the pages -------------------------------------------------------------------------------


def test_the_bell_counts_unread_and_the_list_opens_marks_and_filters(
    client, net, people, django_assert_max_num_queries
):
    with on(d("2026-03-08")):
        for i in range(3):
            home_visit_create(
                user=people["staff_qk"],
                **{
                    **record_data("home-visits", net),
                    "occurred_on": d("2026-03-08"),
                    "customer_name_masked": "王李张"[i] + "**",
                },
            )
    notify(d("2026-03-12"))  # three overdue follow-ups
    client.force_login(people["staff_qk"])
    page = client.get("/").content.decode()
    assert 'hx-get="/notifications/bell/"' in page
    assert 'data-unread="3"' in client.get("/notifications/bell/").content.decode()
    with django_assert_max_num_queries(12):
        listing = client.get("/notifications/")
    body = listing.content.decode()
    assert listing.status_code == 200 and body.count('data-read="0"') == 3 and "逾期" in body
    first = services.visible_to(people["staff_qk"]).first()
    response = client.post(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == first.url
    assert 'data-unread="2"' in client.get("/notifications/bell/").content.decode()
    assert client.get("/notifications/?show=unread").content.decode().count('data-read="0"') == 2
    client.post(f"/notifications/{first.pk}/mark/", {"read": "0"})
    assert services.unread_count(people["staff_qk"]) == 3
    client.post("/notifications/read-all/")
    assert services.unread_count(people["staff_qk"]) == 0
    # Someone else's notification is not theirs to open or mark.
    client.force_login(people["staff_bbt"])
    assert client.post(f"/notifications/{first.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{first.pk}/mark/").status_code == 404


def test_the_list_costs_the_same_queries_for_3_or_40_notifications(client, net, people, django_assert_num_queries):
    user = people["mgr_qk01"]
    client.force_login(user)

    def make(n):
        Notification.objects.bulk_create(
            Notification(
                user=user,
                branch=net["WH-QK-01"],
                kind=K.MONTH_DUE,
                key=f"k{i}",
                url="/",
                params={"month": "2026-02", "due": "2026-03-10"},
            )
            for i in range(n)
        )

    make(3)
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    Notification.objects.all().delete()
    make(40)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/notifications/").content.decode().count('data-read="0"') == 40


# ---- e-mail and the task -------------------------------------------------------------------------


def test_reminders_are_emailed_once_when_configured(net, people, settings):
    settings.REMINDER_SUBMISSION_DAY = 8
    notify(d("2026-03-08"))
    assert mail.outbox == []  # no SMTP server configured
    Notification.objects.all().delete()
    settings.REMINDER_EMAIL = True
    settings.SITE_URL = "https://portal.bank.internal"
    notify(d("2026-03-08"))
    # mgr_qk has no address: in-app only.
    assert sorted(m.to for m in mail.outbox) == [["mgr_bbt@example.cn"], ["mgr_qk01@example.cn"]]
    to_qk01 = next(m for m in mail.outbox if m.to == ["mgr_qk01@example.cn"])
    assert "2026-02" in to_qk01.body
    assert "https://portal.bank.internal/submissions/WH-QK-01/2026-02/" in to_qk01.body  # under SITE_URL
    notify(d("2026-03-09"))
    assert len(mail.outbox) == 2


def test_the_daily_task_is_scheduled_and_records_its_run(net, people, settings):
    entry = PeriodicTask.objects.get(name="send-reminders-daily")  # editable: background/schedules.py
    assert entry.task == send_reminders.name and entry.crontab.hour == "8"
    settings.REMINDER_SUBMISSION_DAY = 8
    with on(d("2026-03-08")):
        send_reminders.delay()
        send_reminders.delay()
    assert notified() == {("mgr_qk01", "WH-QK-01"), ("mgr_qk", "WH-QK"), ("mgr_bbt", "WH-BBT")}
    assert TaskRun.objects.get(task="reminders.send").ok is True
