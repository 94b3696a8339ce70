"""A token works under either scheme, `Bearer` (what generated clients send) or `Token`; a header
that is sent but unreadable is refused with a message that says what is wrong with it."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(staff_qk):
    return AuthToken.objects.create(user=staff_qk)[1]


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer", "TOKEN"])
def test_either_scheme_authenticates(token, scheme):
    response = APIClient().get("/api/v1/home-visits/", HTTP_AUTHORIZATION=f"{scheme} {token}")
    assert response.status_code == 200


def detail(response) -> str:
    assert response.status_code == 401, response.content
    return response.json()["detail"]


def test_no_header_says_none_was_sent(client):
    with translation.override("en"):
        assert "not provided" in detail(client.get("/api/v1/home-visits/", HTTP_ACCEPT_LANGUAGE="en"))


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Basic dXNlcjpwYXNz", "must be"),
        ("JWT abc", "must be"),
        ("Bearer", "no token"),
        ("Token a b", "spaces"),
        ("Bearer not-a-real-token", "Invalid token"),
    ],
)
def test_a_malformed_header_is_named_precisely(client, header, words):
    message = detail(client.get("/api/v1/home-visits/", HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE="en"))
    assert words in message
    assert "not provided" not in message


@settings(max_examples=40, deadline=None)
@given(header=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=40))
def test_any_header_is_either_accepted_or_a_precise_401(header):
    response = APIClient().get("/api/v1/home-visits/", HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "not provided" not in response.json()["detail"]


def test_the_schema_offers_bearer_and_token(client):
    document = client.get("/api/v1/schema/?format=json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == schemes["bearerAuth"] | {"type": "http", "scheme": "bearer"}
    operation = document["paths"]["/api/v1/home-visits/"]["get"]
    assert {"bearerAuth": []} in operation["security"] and {"tokenAuth": []} in operation["security"]
