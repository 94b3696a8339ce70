"""Production serving: health check, request ids, JSON logs, session limits."""

import datetime
import json
import logging
import time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from config.observability import JsonFormatter, request_id_var
from config.sessions import LOGIN_AT

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


NEVER_VERIFIED = {
    "last_run": None,
    "finished": None,
    "ok": None,
    "rows_checked": None,
    "rows_differing": None,
    "stale": True,
}


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True, "verify": NEVER_VERIFIED}


def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch("config.health._database_ok", return_value=False):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] is False
    assert response.json()["verify"] is None


def test_healthz_shows_the_nightly_check_and_a_failed_one_does_not_make_it_503(
    client, net, staff_qk, django_assert_max_num_queries
):
    from metrics.models import MetricValue
    from metrics.tasks import rebuild_metrics
    from services.services import outreach_event_create
    from tests.conftest import record_data

    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    with time_machine.travel(datetime.datetime(2026, 3, 8, 2, 30, tzinfo=SHANGHAI), tick=False):
        rebuild_metrics.delay(verify=True)
    at_nine = time_machine.travel(datetime.datetime(2026, 3, 8, 9, 0, tzinfo=SHANGHAI), tick=False)
    with at_nine, django_assert_max_num_queries(2):  # SELECT 1 and the check's row: never the check itself
        passed = client.get("/healthz")
    verify = passed.json()["verify"]
    assert passed.status_code == 200 and verify["ok"] is True and verify["stale"] is False
    assert verify["last_run"].startswith("2026-03-08T02:30") or verify["last_run"].startswith("2026-03-07T18:30")
    assert verify["rows_checked"] > 0 and verify["rows_differing"] == 0

    MetricValue.objects.filter(metric="outreach_events", split="").update(value=5)
    with time_machine.travel(datetime.datetime(2026, 3, 9, 2, 30, tzinfo=SHANGHAI), tick=False):
        rebuild_metrics.delay(verify=True)
    with time_machine.travel(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI), tick=False):
        failed = client.get("/healthz")
    assert failed.status_code == 200 and failed.json()["status"] == "ok"  # the web process still serves
    assert failed.json()["verify"]["ok"] is False and failed.json()["verify"]["rows_differing"] >= 1
    with time_machine.travel(datetime.datetime(2026, 3, 10, 6, 0, tzinfo=SHANGHAI), tick=False):
        assert client.get("/healthz").json()["verify"]["stale"] is True  # no check for 27.5 hours


def test_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123").headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="<script>").headers["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()


def test_json_log_lines_carry_the_request_id_and_no_phone_numbers():
    token = request_id_var.set("req-1")
    try:
        record = logging.LogRecord("portal", logging.INFO, __file__, 1, "customer called 13912345678", (), None)
        record.path = "/x?id=420106195001011234"
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-1"
    assert "13912345678" not in line["message"] and "420106195001011234" not in line["path"]


def test_session_id_changes_at_login(client, net, staff_qk):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "fixated-session-id"
    client.post(reverse("login"), {"username": "staff_qk", "password": "pw-staff_qk"})
    assert client.cookies["sessionid"].value != "fixated-session-id"


def test_sessions_expire_after_30_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_sessions_end_after_12_hours_whatever_the_activity(client, net, staff_qk):
    client.force_login(staff_qk)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LOGIN_AT] = int(time.time()) - 12 * 3600 - 1
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_deactivation_ends_the_session(client, net, staff_qk):
    client.force_login(staff_qk)
    staff_qk.is_active = False
    staff_qk.save()
    assert client.get(reverse("home")).status_code == 302
