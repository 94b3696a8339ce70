"""Request bodies are refused by their declared size before a byte is read (issue 15, item 8).

For every route of the URLconf and every method that carries a body: a request declaring one
byte more than the route's limit gets 413 (a page saying the limit; `{"detail": ...}` under
/api/) and its input is never touched; one declaring exactly the limit passes on. The photo
pages take their photos' limit, the ledger uploads theirs, every other route REQUEST_MAX_BYTES.
A body without Content-Length is bounded while it is read.
"""

import io
import json
import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from config.body_limits import RequestBodyLimitMiddleware, limit_for
from core.kinds import record_kinds
from core.uploads import FORM_ALLOWANCE
from ledgers.files import max_upload_bytes
from records.pages.forms import MAX_PHOTOS_PER_UPLOAD
from tests.security.routes import all_routes, build

pytestmark = pytest.mark.django_db

METHODS = ("POST", "PUT", "PATCH", "DELETE")
PHOTO_ROUTES = {f"{k.app}:{k.slug}-{action}" for k in record_kinds() for action in ("detail", "new")}
LEDGER_ROUTES = {"ledgers:import", "ledgers-api:import"}
HTML_API_ROUTES = {"api:tokens", "api:token-revoke", "api:docs"}


class Untouchable(io.RawIOBase):
    """A request input that fails the test if anything reads it."""

    def readable(self):
        return True

    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = readline = read


def expected_limit(key: str) -> int:
    """The issue's rule, written out."""
    if key in PHOTO_ROUTES:
        return settings.PHOTO_MAX_BYTES * MAX_PHOTOS_PER_UPLOAD + FORM_ALLOWANCE
    if key in LEDGER_ROUTES:
        return max_upload_bytes() + FORM_ALLOWANCE
    return settings.REQUEST_MAX_BYTES


def test_the_limits_are_what_the_settings_say():
    assert settings.REQUEST_MAX_BYTES == settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    assert expected_limit("services:home-visits-detail") == 81 * 1024 * 1024
    assert expected_limit("ledgers:import") == 21 * 1024 * 1024
    assert {f"services:{s}-detail" for s in ("home-visits", "cash-services")} <= PHOTO_ROUTES


def test_every_route_refuses_a_body_declared_over_its_limit_without_reading_it(in_world):
    world = in_world
    browser = Client()
    browser.force_login(world.root)
    factory = RequestFactory()
    wrong, checked = [], 0
    for route in all_routes():
        path = build(world, route, "qk").split("?")[0]
        limit = expected_limit(route.key)
        request = factory.post(path)
        if limit_for(request) != limit:
            wrong.append(f"{route.key}: limit {limit_for(request)}, expected {limit}")
        for method in METHODS:
            response = browser.generic(
                method,
                path,
                b"",
                content_type="multipart/form-data; boundary=x",
                CONTENT_LENGTH=str(limit + 1),
                **{"wsgi.input": Untouchable()},
            )
            checked += 1
            if response.status_code != 413:
                wrong.append(f"{method} {path} ({route.key}): {response.status_code}")
                continue
            mb = f"{limit / (1024 * 1024):.0f}"
            if route.is_api and route.key not in HTML_API_ROUTES:
                body = response.json()
                if list(body) != ["detail"] or mb not in body["detail"]:
                    wrong.append(f"{method} {path}: {body}")
            elif not response["Content-Type"].startswith("text/html") or mb not in response.content.decode():
                wrong.append(f"{method} {path}: not a page naming the limit")
            # Exactly the limit passes on to the view (here a stand-in that reads nothing).
            at_limit = factory.generic(method, path, b"", CONTENT_LENGTH=str(limit))
            passed = RequestBodyLimitMiddleware(lambda request: "view")(at_limit)
            if passed != "view":
                wrong.append(f"{method} {path}: refused at its limit")
    assert checked >= 4 * 250
    assert not wrong, "\n".join(wrong)


def test_the_issue_photo_post_of_200_mb_is_refused_unread(in_world):
    world = in_world
    browser = Client()
    browser.force_login(world.users["staff"])
    record = world.record("home-visits", "qk")
    response = browser.post(
        record.get_absolute_url(),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": Untouchable()},
    )
    assert response.status_code == 413
    assert re.search(r"81\s*MB", response.content.decode())


def test_a_body_without_content_length_is_bounded_while_it_is_read():
    """A chunked body (no Content-Length) that runs past the limit fails the read with 413."""
    limit = settings.REQUEST_MAX_BYTES
    request = RequestFactory().post("/api/v1/home-visits/", b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    source = io.BytesIO(b"x" * (limit + 4096))
    request._stream = source

    def view(request):
        request.read()
        raise AssertionError("read past the limit")

    response = RequestBodyLimitMiddleware(view)(request)
    assert response.status_code == 413 and "detail" in json.loads(response.content)
    assert source.tell() <= limit + 1


def test_a_chunked_post_through_the_whole_stack_reads_nothing_and_answers(client, root_user):
    """Under WSGI Django reads a body without Content-Length as empty: nothing to bound."""
    client.force_login(root_user)
    response = client.generic(
        "POST", "/services/home-visits/new/", b"", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": Untouchable()}
    )
    assert response.status_code in (200, 403)  # the empty form, with its errors


def test_a_content_length_that_is_not_a_number_is_400(client):
    response = client.generic("POST", "/api/v1/home-visits/", b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400 and "detail" in response.json()
