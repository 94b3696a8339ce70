"""A database outage during a request is a 503 with Retry-After (JSON under /api/), not a 500."""

from unittest import mock

import pytest
from django.db import OperationalError

from tests.api.conftest import token_client
from tests.dashboard.conftest import dashboard_url

pytestmark = pytest.mark.django_db
LOST = OperationalError("server closed the connection unexpectedly")


def test_a_page_gets_a_503_with_retry_after(client, net, analyst_wh):
    client.force_login(analyst_wh)
    with mock.patch("dashboards.views._store_part", side_effect=LOST):
        response = client.get(dashboard_url("WH", "2025"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "未保存任何内容" in response.content.decode()  # the portal speaks Chinese first


def test_the_api_gets_a_json_503(net, analyst_wh):
    api = token_client(analyst_wh)
    with mock.patch("metrics.selectors.query", side_effect=LOST):
        response = api.get("/api/v1/metrics/", {"branch": "WH", "period": "2025", "metric": "home_visits"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert set(response.json()) == {"detail"}


def test_other_errors_are_not_disguised(client, net, analyst_wh):
    client.raise_request_exception = True
    client.force_login(analyst_wh)
    with mock.patch("dashboards.views._store_part", side_effect=ValueError("a bug")), pytest.raises(ValueError):
        client.get(dashboard_url("WH", "2025"))


def test_a_bug_outside_a_view_is_still_the_server_error_page(client, net, analyst_wh):
    client.raise_request_exception = False
    client.force_login(analyst_wh)
    with mock.patch("config.metrics_clients.access_for", side_effect=ValueError("a bug")):
        response = client.get(dashboard_url("WH", "2025"))
    assert response.status_code == 500 and "Retry-After" not in response


def test_an_outage_outside_a_view_is_a_503(client, net, analyst_wh):
    client.raise_request_exception = False
    client.force_login(analyst_wh)
    with mock.patch("config.metrics_clients.access_for", side_effect=LOST):
        response = client.get(dashboard_url("WH", "2025"))
    assert response.status_code == 503 and response["Retry-After"] == "5"


def test_the_drivers_own_connection_error_is_an_outage_too(client, net, analyst_wh):
    from django.db import connection

    client.force_login(analyst_wh)
    with mock.patch("dashboards.views._store_part", side_effect=connection.Database.OperationalError("gone")):
        response = client.get(dashboard_url("WH", "2025"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
