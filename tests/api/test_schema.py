"""The OpenAPI document is valid, documents every operation's errors, and Swagger UI is served by
the app itself under the Content-Security-Policy (no CDN, no inline script)."""

import re

import pytest
from openapi_spec_validator import validate

from core.kinds import record_kinds
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff_qk):
    return token_client(staff_qk)


@pytest.fixture
def document(api):
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_schema_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)


def test_schema_is_served_to_anyone(client):
    """Generators fetch it without credentials; a stale token does not stand in the way."""
    assert client.get("/api/v1/schema/?format=json").status_code == 200
    assert client.get("/api/v1/schema/", HTTP_AUTHORIZATION="Bearer stale").status_code == 200


def test_served_schema_is_the_one_the_fuzz_test_uses(document):
    from tests.api.test_fuzz import DOCUMENT

    assert document["paths"].keys() == DOCUMENT["paths"].keys()


def test_every_operation_documents_its_errors(document):
    for path, method, operation in operations(document):
        codes = set(operation["responses"])
        where = f"{method.upper()} {path}"
        if path not in ("/api/v1/auth/login/", "/api/v1/"):  # the public ones
            assert {"401", "403"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= codes, where
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                assert response["description"], where
                assert set(response.get("content", {"application/json": None})) == {"application/json"}, where


def test_writes_document_conflicts_preconditions_and_retries(document):
    for path, method, operation in operations(document):
        codes = set(operation["responses"])
        names = {p["name"] for p in operation.get("parameters", [])}
        record = path.split("/")[3] in {kind.slug for kind in record_kinds()}
        if record and method in {"put", "patch", "delete"}:
            assert {"409", "412"} <= codes and "If-Match" in names, f"{method} {path}"
        if record and method == "post" and path.count("/") == 4:
            assert {"409", "422"} <= codes and "Idempotency-Key" in names, f"{method} {path}"


def test_every_api_route_is_in_the_schema(document):
    from config import api_urls as urls

    documented = set(document["paths"])
    routed = {f"/api/v1/{p.pattern}" for p in urls.router.urls}
    routed = {re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", r.replace("^", "").replace("$", "")) for r in routed}
    routed = {r.replace("{pk}", "{id}") for r in routed}
    assert routed <= documented


def test_swagger_ui_is_served_by_the_app_under_csp(client, staff_qk):
    client.force_login(staff_qk)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts), "no inline script"
    assert "<style" not in html and "style=" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(s.startswith("/") for s in sources), f"served from the app, not a CDN: {sources}"
    init = next(s for s in sources if "script" in s)
    script = client.get(init.replace("&amp;", "&"))
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    for asset in (s for s in sources if s.startswith("/static/")):
        assert client.get(asset).status_code == 200, asset


def test_docs_send_anonymous_users_to_login(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_docs_are_linked_from_the_navigation_of_managers(client, manager_qk):
    client.force_login(manager_qk)
    assert 'href="/api/v1/docs/"' in client.get("/").content.decode()
