"""Production serving: health check, request ids, JSON logs, session limits."""

import json
import logging
import time
from unittest import mock

import pytest
from django.urls import reverse

from config.observability import JsonFormatter, request_id_var
from config.sessions import LOGIN_AT

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True}


def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch("config.health._database_ok", return_value=False):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] is False


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
