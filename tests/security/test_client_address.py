"""Login throttling counts the client's address, behind the load balancer too
(core/client_address.py): failures from client A lock user U out for A only; U logs in from
B; a client cannot pass for another address by sending X-Forwarded-For, neither directly nor
through the proxy. The HTML form and the API login share the logic."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from core.client_address import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.9.9.9"
A, B = "203.0.113.7", "198.51.100.23"


@pytest.fixture
def behind_proxy(settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = [f"{PROXY}/32"]
    return settings


@pytest.fixture
def direct(settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_IPS = []
    return settings


def via_proxy(client_address: str, sent: str = "") -> dict:
    """What the load balancer passes on: its own address, the client's appended to the header."""
    forwarded = f"{sent}, {client_address}" if sent else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def form_login(username, password, **meta) -> int:
    return Client(**meta).post("/accounts/login/", {"username": username, "password": password}).status_code


def api_login(username, password, **meta) -> int:
    cache.clear()  # the rate limit is not what this test is about
    body = {"username": username, "password": password}
    return APIClient(**meta).post("/api/v1/auth/login/", body, format="json").status_code


LOGINS = {"form": (form_login, 302, 200, 429), "api": (api_login, 200, 401, 429)}


@pytest.mark.parametrize("way", sorted(LOGINS))
def test_behind_the_proxy_a_lock_holds_for_the_failing_client_only(behind_proxy, staff_qk, way):
    login, ok, wrong, locked = LOGINS[way]
    statuses = [login("staff_qk", "wrong-password", **via_proxy(A)) for _ in range(5)]
    assert statuses == [wrong] * 4 + [locked]
    assert login("staff_qk", "pw-staff_qk", **via_proxy(A)) == locked
    assert login("staff_qk", "pw-staff_qk", **via_proxy(A, sent=B)) == locked  # A claiming to be B
    assert login("staff_qk", "pw-staff_qk", **via_proxy(B)) == ok  # the same user elsewhere


@pytest.mark.parametrize("way", sorted(LOGINS))
def test_a_direct_client_cannot_pass_for_another_address(direct, staff_qk, way):
    login, ok, wrong, locked = LOGINS[way]
    for _ in range(5):
        login("staff_qk", "wrong-password", REMOTE_ADDR=A, HTTP_X_FORWARDED_FOR=B)
    assert login("staff_qk", "pw-staff_qk", REMOTE_ADDR=A) == locked
    assert login("staff_qk", "pw-staff_qk", REMOTE_ADDR=A, HTTP_X_FORWARDED_FOR="192.0.2.1") == locked
    assert login("staff_qk", "pw-staff_qk", REMOTE_ADDR=B) == ok


def test_the_header_counts_only_from_the_trusted_proxy(behind_proxy, rf):
    assert client_ip(rf.get("/", **via_proxy(A))) == A
    assert client_ip(rf.get("/", **via_proxy(A, sent=f"{B}, 192.0.2.1"))) == A
    assert client_ip(rf.get("/", REMOTE_ADDR=B, HTTP_X_FORWARDED_FOR=A)) == B  # not from the proxy
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY)) == PROXY  # the balancer's own probe


def test_two_proxies_count_from_the_right(behind_proxy, rf):
    behind_proxy.TRUSTED_PROXY_COUNT = 2
    # client → first proxy (appends A) → balancer (appends the first proxy's address) → app
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{B}, {A}, 10.8.8.8")
    assert client_ip(request) == A


def test_another_header_name(behind_proxy, rf):
    behind_proxy.TRUSTED_PROXY_HEADER = "X-Real-IP"
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=A, HTTP_X_FORWARDED_FOR=B)
    assert client_ip(request) == A


def test_a_proxy_count_without_the_proxies_addresses_refuses_to_start():
    from tests.test_settings import run

    result = run({"TRUSTED_PROXY_COUNT": "1"})
    assert result.returncode != 0 and "TRUSTED_PROXY_IPS" in result.stderr
    assert run({"TRUSTED_PROXY_COUNT": "1", "TRUSTED_PROXY_IPS": "10.0.0.0/8"}).returncode == 0
