"""Every answer to a signed-in request carries `Cache-Control: private, no-store`: each route of
the URLconf (tests/security/routes.py), each method, as a superuser's browser session and as an
API token; static files keep their long caching, and anonymous pages are not affected."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.security.cases import request_for
from tests.security.routes import all_routes

pytestmark = pytest.mark.django_db

ROUTES = {route.key: route for route in all_routes()}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _sent(response) -> str:
    if response.streaming:
        b"".join(response.streaming_content)  # a streamed export is sent to the end
    return response.get("Cache-Control", "")


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_signed_in_answers_are_private_and_not_stored(in_world, key):
    world, route = in_world, ROUTES[key]
    browser = Client()
    browser.force_login(world.approver)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=world.approver)[1]}")
    wrong = []
    for method in METHODS:
        request = request_for(world, route, method, "mgr_qk", "qk")
        for name, client in (("session", browser), ("token", api)):
            if name == "token" and request.browser and not route.is_api:
                continue  # a token is no session: HTML pages send it to the login page (anonymous)
            browser.cookies[settings.SESSION_COOKIE_NAME] = session  # a logout answer drops the cookie
            with transaction.atomic():
                response = client.generic(method, request.path, request.body, content_type=request.content_type)
                cache_control = _sent(response)
                transaction.set_rollback(True)
            if cache_control != "private, no-store":
                wrong.append(
                    f"{method} {request.path} ({name}): {response.status_code} Cache-Control {cache_control!r}"
                )
    assert not wrong, "\n".join(wrong)


def test_static_files_keep_their_caching_for_signed_in_users(in_world, settings):
    browser = Client()
    browser.force_login(in_world.approver)
    response = browser.get("/static/portal/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {in_world.root_token}")
    assert "no-store" not in api.get("/static/portal/portal.css").get("Cache-Control", "")


def test_the_token_a_login_answers_is_not_stored(in_world, settings):
    """The API login's answer holds a new token: never cached, though the request had no credentials."""
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"api_login": "1000/min"}}
    world = in_world
    body = {"username": world.users["mgr_qk"].username, "password": world.passwords["mgr_qk"]}
    with transaction.atomic():
        response = APIClient().post("/api/v1/auth/login/", body, format="json")
        transaction.set_rollback(True)
    assert response.status_code == 200 and "token" in response.json()
    assert response["Cache-Control"] == "private, no-store"
