"""Errors under /api/ are JSON, whoever raises them, and hostile bodies are refused with a 4xx."""

import json

import pytest
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory
from rest_framework.test import APIClient

from records.api.middleware import ApiErrorMiddleware
from services.models import Financing, HomeVisit
from tests.api.conftest import payload, token_client

pytestmark = pytest.mark.django_db


def detail(response) -> str:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()["detail"]


@pytest.fixture
def api(staff_qk):
    return token_client(staff_qk)


def test_unknown_api_url_is_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert detail(response)


def test_unknown_api_url_is_json_404_for_anonymous_too(client):
    response = client.get("/api/v2/home-visits/")
    assert response.status_code == 404 and detail(response)


def test_method_not_allowed_is_json_405(api, net):
    response = api.delete("/api/v1/branches/")
    assert response.status_code == 405
    assert detail(response)


def test_anonymous_gets_json_401_with_challenge(client):
    response = client.get("/api/v1/home-visits/")
    assert response.status_code == 401
    assert detail(response)
    assert response["WWW-Authenticate"].startswith("Token")


def test_bad_token_is_401(client):
    response = client.get("/api/v1/home-visits/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401 and detail(response)


def test_form_body_is_415(api, net):
    response = api.post("/api/v1/outreach-events/", {"branch": "WH-QK-01"}, format="multipart")
    assert response.status_code == 415
    assert detail(response)
    assert not HomeVisit.objects.exists()


def test_declared_body_over_the_limit_is_413_before_it_is_read(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"notes": "x" * 2000})
    response = api.generic("POST", "/api/v1/outreach-events/", body, content_type="application/json")
    assert response.status_code == 413
    assert "1000" in detail(response)


def test_request_data_too_big_from_django_is_413_json():
    from django.core.exceptions import RequestDataTooBig

    from records.api.exceptions import api_exception_handler

    response = api_exception_handler(RequestDataTooBig("big"), {})
    assert response.status_code == 413 and "detail" in response.data


def test_unreadable_content_length_is_400(api):
    response = api.generic(
        "POST", "/api/v1/outreach-events/", "{}", content_type="application/json", CONTENT_LENGTH="x"
    )
    assert response.status_code == 400 and detail(response)


@pytest.mark.parametrize(
    "body",
    [
        b'{"branch": "WH-QK-01",',  # truncated
        b"not json at all",
        b'{"amount": NaN}',
        b'{"amount": Infinity}',
        b'{"amount": -Infinity}',
        b"[" * 100_000 + b"]" * 100_000,  # nesting bomb
        b'{"notes": "\\ud800"}',  # a lone surrogate cannot be stored
        b"\xff\xfe\x00",  # not UTF-8
    ],
    ids=["truncated", "garbage", "nan", "infinity", "minus-infinity", "nesting", "surrogate", "not-utf8"],
)
def test_malformed_json_is_400_json(api, net, body):
    response = api.generic("POST", "/api/v1/financing/", body, content_type="application/json")
    assert response.status_code == 400
    assert detail(response)
    assert not Financing.objects.exists()


@pytest.mark.parametrize("amount", ["1e400", 1e400, "-1", "NaN", "12345678901234567.00", "0.001"])
def test_unusable_amounts_are_400_on_the_field(api, net, amount):
    body = payload("financing", net) | {"amount": amount}
    raw = json.dumps(body, allow_nan=True).replace('"amount": Infinity', '"amount": 1e400')
    response = api.generic("POST", "/api/v1/financing/", raw, content_type="application/json")
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Financing.objects.exists()


def test_nul_bytes_are_400(api, net):
    body = payload("outreach-events", net) | {"place": "社区\x00中心"}
    response = api.post("/api/v1/outreach-events/", body, format="json")
    assert response.status_code == 400
    assert "place" in response.json()


def test_nul_bytes_in_query_parameters_are_not_a_server_error(api, net):
    assert api.get("/api/v1/home-visits/?branch=WH%00").status_code == 400
    assert api.get("/api/v1/branches/WH%00/").status_code == 400  # refused before the URL is resolved
    assert api.get("/api/v1/metrics/?branch=WH%00&period=2025").status_code == 400


def test_body_that_is_not_an_object_is_400(api, net):
    response = api.post("/api/v1/outreach-events/", [1, 2], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_field_errors_are_lists_of_messages_per_field(api, net):
    response = api.post("/api/v1/home-visits/", {"branch": "WH-QK-01"}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"occurred_on", "customer_group", "purpose", "customer_name_masked"} <= set(errors)
    assert all(isinstance(messages, list) and all(isinstance(m, str) for m in messages) for messages in errors.values())


def test_service_validation_errors_come_back_per_field(api, net):
    """full_clean() in the service (a rule of the model, not of the serializer) → 400 {field: [...]}."""
    body = payload("home-visits", net) | {"notes": "客户电话 13912345678"}
    response = api.post("/api/v1/home-visits/", body, format="json")
    assert response.status_code == 400
    assert "notes" in response.json()
    assert not HomeVisit.objects.exists()


def test_unknown_format_is_400(api):
    response = api.get("/api/v1/home-visits/?format=xml")
    assert response.status_code == 400 and "format" in response.json()


def test_page_past_the_end_is_json_404(api):
    response = api.get("/api/v1/home-visits/?page=9")
    assert response.status_code == 404 and detail(response)


def test_errors_are_json_even_when_csv_was_asked(api):
    response = api.get("/api/v1/home-visits/?format=csv&date_from=not-a-date")
    assert response.status_code == 400
    assert "date_from" in response.json()


def test_html_errors_under_api_become_json():
    """A 500 page (or any HTML error) produced under /api/ reaches the client as JSON."""
    request = RequestFactory().get("/api/v1/home-visits/")
    middleware = ApiErrorMiddleware(lambda r: HttpResponseServerError("<h1>Server Error (500)</h1>"))
    response = middleware(request)
    assert response.status_code == 500
    assert json.loads(response.content)["detail"]


def test_html_outside_api_is_left_alone():
    request = RequestFactory().get("/services/")
    middleware = ApiErrorMiddleware(lambda r: HttpResponse("<h1>Not found</h1>", status=404))
    assert middleware(request).content == b"<h1>Not found</h1>"


def test_server_error_in_a_view_is_json(staff_qk, monkeypatch):
    """Raised inside a viewset: the client sees JSON 500, never Django's HTML page."""
    from services.api.views import HomeVisitViewSet

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomeVisitViewSet, "list", explode)
    api = token_client(staff_qk)
    api.raise_request_exception = False
    response = api.get("/api/v1/home-visits/")
    assert response.status_code == 500
    assert detail(response)
    assert b"boom" not in response.content


def test_csrf_failure_on_the_token_page_is_json(staff_qk):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_qk)
    response = browser.post("/api/v1/tokens/revoke/", {"token": "x"})
    assert response.status_code == 403 and detail(response)


def test_anonymous_api_client_is_not_shown_a_login_page():
    response = APIClient().post("/api/v1/home-visits/", {}, format="json")
    assert response.status_code == 401
