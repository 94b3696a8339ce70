"""Tokens: login through Django's authenticate (axes counts failures), hashed and expiring,
revocable from the API and from the token page; metrics clients read but never write."""

import pytest
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from branches.models import Role
from services.models import OutreachEvent
from services.services import outreach_event_create
from tests.api.conftest import payload, token_client
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"


def login(username, password, client=None, **extra):
    return (client or APIClient()).post(LOGIN, {"username": username, "password": password}, format="json", **extra)


def test_login_returns_a_token_that_works(net, staff_qk):
    response = login("staff_qk", "pw-staff_qk")
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["username"] == "staff_qk" and response.json()["expiry"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/home-visits/").status_code == 200


def test_tokens_are_stored_hashed_and_expire(net, staff_qk, settings):
    token = login("staff_qk", "pw-staff_qk").json()["token"]
    stored = AuthToken.objects.get(user=staff_qk)
    assert token not in stored.digest and stored.digest != token
    assert 29 <= (stored.expiry - timezone.now()).days <= 30
    stored.expiry = timezone.now() - timezone.timedelta(seconds=1)
    stored.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/home-visits/").status_code == 401


@pytest.mark.parametrize(
    "username,password", [("staff_qk", "wrong"), ("nobody", "pw-staff_qk"), ("", ""), ("staff_qk", "")]
)
def test_wrong_credentials_are_json_401_or_400(net, staff_qk, username, password):
    response = login(username, password)
    assert response.status_code in (400, 401)
    assert response["Content-Type"] == "application/json"
    assert not AuthToken.objects.exists()


def test_inactive_user_gets_no_token(net, staff_qk):
    staff_qk.is_active = False
    staff_qk.save()
    assert login("staff_qk", "pw-staff_qk").status_code == 401
    assert not AuthToken.objects.exists()


def test_deactivated_users_token_stops_working(net, staff_qk):
    api = token_client(staff_qk)
    staff_qk.is_active = False
    staff_qk.save()
    assert api.get("/api/v1/home-visits/").status_code == 401


def test_axes_locks_username_and_ip_out_with_json_429(net, staff_qk, staff_qk2, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login("staff_qk", "wrong").status_code == 401
    locked = login("staff_qk", "wrong")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json" and locked.json()["detail"]
    # Now even the right password is refused, without a token.
    assert login("staff_qk", "pw-staff_qk").status_code == 429
    assert not AuthToken.objects.exists()
    # Another user from the same address is not locked out.
    assert login("staff_qk2", "pw-staff_qk2").status_code == 200


def test_login_attempts_are_rate_limited(net, staff_qk, settings):
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = {**ScopedRateThrottle.THROTTLE_RATES, "api_login": "3/min"}
    try:
        statuses = [login("nobody", "wrong").status_code for _ in range(4)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = {
            **ScopedRateThrottle.THROTTLE_RATES,
            "api_login": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_login"],
        }
    assert statuses == [401, 401, 401, 429]


def test_token_limit_per_user(net, staff_qk, settings):
    from knox.settings import knox_settings

    for _ in range(knox_settings.TOKEN_LIMIT_PER_USER):
        AuthToken.objects.create(user=staff_qk)
    response = login("staff_qk", "pw-staff_qk")
    assert response.status_code == 403 and response.json()["detail"]


def test_logout_revokes_the_token(net, staff_qk):
    api = token_client(staff_qk)
    other = token_client(staff_qk)
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert api.get("/api/v1/home-visits/").status_code == 401
    assert other.get("/api/v1/home-visits/").status_code == 200


def test_logout_all_revokes_every_token(net, staff_qk):
    api, other = token_client(staff_qk), token_client(staff_qk)
    assert api.post("/api/v1/auth/logout-all/").status_code == 204
    assert other.get("/api/v1/home-visits/").status_code == 401
    assert not AuthToken.objects.filter(user=staff_qk).exists()


class TestTokenPage:
    @pytest.fixture
    def browser(self, staff_qk):
        client = Client()
        client.force_login(staff_qk)
        return client

    def test_lists_tokens_without_the_secret(self, browser, net, staff_qk, staff_qk2):
        mine = token_client(staff_qk)
        theirs = token_client(staff_qk2)
        page = browser.get("/api/v1/tokens/").content.decode()
        assert mine.token[:6] in page
        assert mine.token not in page and mine.token[:12] not in page
        assert theirs.token[:6] not in page

    def test_revoke_from_the_page(self, browser, net, staff_qk):
        api = token_client(staff_qk)
        digest = AuthToken.objects.get(user=staff_qk).digest
        response = browser.post("/api/v1/tokens/revoke/", {"token": digest})
        assert response.status_code == 302
        assert api.get("/api/v1/home-visits/").status_code == 401

    def test_cannot_revoke_another_users_token(self, browser, net, staff_qk2):
        api = token_client(staff_qk2)
        digest = AuthToken.objects.get(user=staff_qk2).digest
        browser.post("/api/v1/tokens/revoke/", {"token": digest})
        assert api.get("/api/v1/home-visits/").status_code == 200

    def test_needs_a_login(self, client):
        response = client.get("/api/v1/tokens/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_is_linked_from_the_navigation_of_those_who_script(self, browser, net, manager_qk):
        # Outlet staff key records in the browser: their menu has no API entries (issue 21).
        assert 'href="/api/v1/tokens/"' not in browser.get("/").content.decode()
        manager = Client()
        manager.force_login(manager_qk)
        assert 'href="/api/v1/tokens/"' in manager.get("/").content.decode()


class TestMetricsClient:
    @pytest.fixture
    def bi(self, net):
        return token_client(net.user("bi_wh", "WH", Role.METRICS_CLIENT))

    def test_reads_metrics_but_not_records(self, bi, net, staff_qk):
        """Aggregates only (branches/access.py): the metrics, the tree, targets, submissions."""
        event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
        assert bi.get("/api/v1/metrics/?branch=WH&period=2025&metric=outreach_events").json()["rows"][0]["value"] == "1"
        for path in ("/api/v1/branches/", "/api/v1/targets/", "/api/v1/submissions/"):
            assert bi.get(path).status_code == 200, path
        for path in (
            "/api/v1/outreach-events/",
            f"/api/v1/outreach-events/{event.pk}/",
            "/api/v1/outreach-events/?format=csv",
            "/api/v1/ledgers/outreach-events/export.csv",
            "/api/v1/ledgers/outreach-events/export.xlsx",
        ):
            response = bi.get(path, HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 403 and "aggregates only" in response.json()["detail"], path

    def test_never_writes(self, bi, net, staff_qk):
        event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
        assert bi.post("/api/v1/outreach-events/", payload("outreach-events", net), format="json").status_code == 403
        assert bi.patch(f"/api/v1/outreach-events/{event.pk}/", {"attendees": 1}, format="json").status_code == 403
        assert bi.delete(f"/api/v1/outreach-events/{event.pk}/").status_code == 403
        body = {"branch": "WH", "year": 2025, "metric": "home_visits", "value": "1"}
        assert bi.post("/api/v1/targets/", body, format="json").status_code == 403
        assert (
            bi.post("/api/v1/submissions/", {"branch": "WH-QK-01", "month": "2025-08"}, format="json").status_code
            == 403
        )
        event.refresh_from_db()
        assert OutreachEvent.objects.count() == 1 and event.attendees == 40 and event.version == 1

    def test_a_second_writing_role_lifts_the_restriction(self, net, staff_qk):
        from branches.models import Membership

        user = net.user("bi_and_staff", "WH", Role.METRICS_CLIENT)
        Membership.objects.create(user=user, branch=net["WH-QK-01"], role=Role.OUTLET_STAFF)
        response = token_client(user).post("/api/v1/outreach-events/", payload("outreach-events", net), format="json")
        assert response.status_code == 201
