"""NUL (and the other control characters of config/control_characters.py) in any part of any
request of any route of the URLconf: a 400 or 404, never a 500, nothing written.

For every route (tests/security/routes.py builds its URL from the World) and each method that
carries a body (GET, and POST or PUT/PATCH where the route takes them), the test sends the
request as a superuser who did not author the World's submissions (every page and action is
open to them, so the views go as far as they can) with a NUL put in turn into:

- each argument of the path;
- each query parameter the view may read: a generic set, every filter of the route's FilterSet,
  and every parameter name the view looked up while it answered the clean request (recorded);
- each form field of the body the permission matrix posts (tests/security/cases.py), and each
  uploaded file's name; each top-level field of the JSON bodies of the API;
- a cookie, the Authorization header and another header.

The clean request itself must not be refused: the refusal is about the character, not the
route. A new route is covered as soon as tests/security/routes.py can build its URL.
"""

import json
from dataclasses import dataclass
from io import BytesIO
from unittest import mock
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.kinds import kind_for_slug
from tests.security.cases import Request, request_for
from tests.security.routes import PARAM, Route, _slug_of, all_routes, arguments
from tests.security.test_matrix import written_tables

pytestmark = pytest.mark.django_db

ROUTES = {route.key: route for route in all_routes()}
NUL = "\x00"
BOUNDARY = "ControlCharacterBoundary"
# Parameters many views read (paging, ordering, formats, the dashboards' and reports' choices).
GENERIC_PARAMS = (
    "q",
    "page",
    "page_size",
    "ordering",
    "sort",
    "format",
    "branch",
    "code",
    "period",
    "year",
    "month",
    "date_from",
    "date_to",
    "kind",
    "status",
    "metric",
    "next",
    "token",
    "compare",
    "station",
    "day",
    "dry_run",
    "background",
)
BODY_METHODS = ("POST", "PUT", "PATCH")
REFUSED = {400, 404}
FIGURES = {"routes": 0, "cases": 0, "let_through": 0}


@dataclass
class Sent:
    request: Request
    what: str
    headers: dict


# ---- what a view reads ---------------------------------------------------------------------


class ReadKeys:
    """Records every key looked up in a QueryDict (GET or POST) while it is active."""

    def __init__(self):
        self.keys: set[str] = set()

    def __enter__(self):
        keys = self.keys
        originals = {name: getattr(MultiValueDict, name) for name in ("get", "__getitem__", "getlist")}
        originals["__contains__"] = dict.__contains__

        def recorder(name):
            original = originals[name]

            def read(self, key, *args, **kwargs):
                if isinstance(self, QueryDict) and isinstance(key, str):
                    keys.add(key)
                return original(self, key, *args, **kwargs)

            return read

        self._patches = [mock.patch.object(MultiValueDict, name, recorder(name)) for name in originals]
        for patch in self._patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in self._patches:
            patch.stop()


def filterset_params(route: Route) -> set[str]:
    names: set[str] = set()
    view = getattr(route.callback, "cls", None) or getattr(route.callback, "view_class", None)
    filterset = getattr(view, "filterset_class", None)
    if isinstance(filterset, type):
        names |= set(filterset.base_filters)
    kind = kind_for_slug(_slug_of(route.key)) or ("slug" in route.params and kind_for_slug("home-visits"))
    if kind:
        names |= set(kind.filterset.base_filters)
    return names


# ---- the requests --------------------------------------------------------------------------


def _path_with(route: Route, values: dict) -> str:
    path = PARAM.sub(lambda m: quote(str(values[m["name"] or m["group"]]), safe="/"), route.pattern)
    return "/" + path.replace("^", "").replace("$", "")


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def _split(path: str) -> tuple[str, str]:
    base, _sep, query = path.partition("?")
    return base, query


def _form_fields(request: Request) -> tuple[list, list] | None:
    """The body's fields and files, or None when it is not a form."""
    if request.content_type == "application/x-www-form-urlencoded":
        return parse_qsl(request.body, keep_blank_values=True), []
    if request.content_type.startswith("multipart/form-data"):
        body = request.body if isinstance(request.body, bytes) else request.body.encode()
        meta = {"CONTENT_TYPE": request.content_type, "CONTENT_LENGTH": str(len(body))}
        data, files = MultiPartParser(meta, BytesIO(body), [], "utf-8").parse()
        uploads = [(k, SimpleUploadedFile(f.name, f.read(), f.content_type)) for k, fs in files.lists() for f in fs]
        return [(k, v) for k, vs in data.lists() for v in vs], uploads
    return None


def _encode_form(request: Request, fields: list, files: list) -> Request:
    if request.content_type == "application/x-www-form-urlencoded":
        body, content_type = urlencode(fields), request.content_type
    else:
        data: dict = {}
        for key, value in [*fields, *files]:
            data.setdefault(key, []).append(value)
        body = encode_multipart(BOUNDARY, data)
        content_type = MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", BOUNDARY)
    return Request(request.method, request.path, body, content_type, request.browser)


def _body_variants(request: Request):
    form = _form_fields(request)
    if form is not None:
        fields, files = form
        for i, (key, value) in enumerate(fields):
            changed = [*fields[:i], (key, f"{value}{NUL}"), *fields[i + 1 :]]
            yield f"form field {key}", _encode_form(request, changed, files)
        yield "an extra form field", _encode_form(request, [*fields, ("q", NUL)], files)
        yield "a form field name", _encode_form(request, [*fields, (f"q{NUL}", "1")], files)
        for i, (key, upload) in enumerate(files):
            renamed = SimpleUploadedFile(f"p{NUL}.jpg", upload.read(), upload.content_type)
            yield (
                f"the name of file {key}",
                _encode_form(request, fields, [*files[:i], (key, renamed), *files[i + 1 :]]),
            )
        return
    if request.content_type == "application/json" and request.body:
        data = json.loads(request.body)
        if isinstance(data, dict):
            for key, value in data.items():
                changed = data | {key: f"{value}{NUL}" if isinstance(value, str) else NUL}
                yield (
                    f"JSON field {key}",
                    Request(request.method, request.path, json.dumps(changed), "application/json", False),
                )
            yield (
                "a JSON field name",
                Request(request.method, request.path, json.dumps(data | {f"q{NUL}": 1}), "application/json", False),
            )


def variants(world, route: Route, request: Request, params: set[str]):
    """Every request of the route with one NUL in it, with what it changed."""
    base, query = _split(request.path)
    values = arguments(world, route, "qk")
    fixed_query = values.pop("?", "")
    for name in route.params:
        path = _with_query(_path_with(route, values | {name: f"{values[name]}{NUL}"}), fixed_query)
        yield Sent(
            Request(request.method, path, request.body, request.content_type, request.browser), f"path {name}", {}
        )
    pairs = parse_qsl(query, keep_blank_values=True)
    for name in sorted(params):
        changed = [(k, v) for k, v in pairs if k != name] + [(name, f"1{NUL}")]
        path = _with_query(base, urlencode(changed))
        yield Sent(
            Request(request.method, path, request.body, request.content_type, request.browser), f"query {name}", {}
        )
    path = _with_query(base, urlencode([*pairs, (f"q{NUL}", "1")]))
    yield Sent(Request(request.method, path, request.body, request.content_type, request.browser), "a query name", {})
    if request.method in BODY_METHODS:
        for what, changed in _body_variants(request):
            yield Sent(changed, what, {})
    if request.method == "GET":
        yield Sent(request, "the user agent", {"HTTP_USER_AGENT": f"Mozilla{NUL}"})
        yield Sent(request, "the Idempotency-Key header", {"HTTP_IDEMPOTENCY_KEY": f"key{NUL}"})
        yield Sent(request, "the Authorization header", {"HTTP_AUTHORIZATION": f"Token abc{NUL}def"})
        yield Sent(request, "the session cookie", {"cookie": f"{'x' * 32}{NUL}"})


# ---- sending -------------------------------------------------------------------------------


class Clients:
    def __init__(self, world):
        self.browser = Client()
        self.browser.force_login(world.approver)  # not the author of the World's submissions: may decide them
        self.session = self.browser.cookies[settings.SESSION_COOKIE_NAME].value
        self.api = APIClient()
        self.token = f"Token {AuthToken.objects.create(user=world.approver)[1]}"

    def send(self, request: Request, headers: dict | None = None):
        headers = dict(headers or {})
        client = self.browser if request.browser else self.api
        if not request.browser:
            headers.setdefault("HTTP_AUTHORIZATION", self.token)
        cookie = headers.pop("cookie", None)
        if request.browser:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie if cookie is not None else self.session
        elif cookie is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        else:
            client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        return client.generic(request.method, request.path, request.body, content_type=request.content_type, **headers)


def send_rolled_back(clients: Clients, request: Request, headers=None):
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = clients.send(request, headers)
        transaction.set_rollback(True)
    return response, written_tables(queries)


def refused_for_the_character(response) -> bool:
    if getattr(response, "control_character_refusal", None):
        return True
    if response.get("Content-Type", "").startswith("application/json") and response.status_code == 400:
        return "U+00" in response.content.decode("utf-8", "replace")
    return False


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_nul_anywhere_in_a_request_is_a_400_or_404(in_world, key):
    world, route = in_world, ROUTES[key]
    clients = Clients(world)
    params = set(GENERIC_PARAMS) | filterset_params(route)
    wrong, cases = [], 0
    for method in ("GET", *BODY_METHODS):
        clean = request_for(world, route, method, "mgr_qk", "qk")
        with ReadKeys() as read:
            response, _written = send_rolled_back(clients, clean)
        if response.status_code == 405:
            continue  # the route does not take the method: its body is never read
        if refused_for_the_character(response):
            wrong.append(f"{method} {clean.path}: the clean request was refused as holding a control character")
        for sent in variants(world, route, clean, params | read.keys):
            cases += 1
            response, written = send_rolled_back(clients, sent.request, sent.headers)
            case = f"{method} {sent.request.path!r} with NUL in {sent.what}"
            if response.status_code not in REFUSED:
                wrong.append(f"{case}: {response.status_code} {response.content[:150]!r}")
            if written:
                wrong.append(f"{case}: wrote to {sorted(written)}")
    FIGURES["routes"] += 1
    FIGURES["cases"] += cases
    FIGURES["let_through"] += len(wrong)
    assert cases, f"{key}: no case was sent"
    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module", autouse=True)
def _figures():
    """When the whole module ran in this process (-p no:xdist): its size, for docs/reliability.md."""
    yield
    if FIGURES["routes"] == len(ROUTES):
        out = settings.BASE_DIR / "test-artifacts"
        out.mkdir(exist_ok=True)
        (out / "control-characters.json").write_text(json.dumps(FIGURES))


# ---- each control character, each part of a request ------------------------------------------

PARTS = {
    "path": lambda ch: ("GET", f"/dashboard/WH{quote(ch)}/", "", "", {}),
    "query value": lambda ch: ("GET", f"/services/home-visits/?q={quote(ch)}", "", "", {}),
    "query name": lambda ch: ("GET", f"/services/home-visits/?{quote(ch)}=1", "", "", {}),
    "header": lambda ch: ("GET", "/", "", "", {"HTTP_X_REQUESTED_WITH": f"a{ch}b"}),
    "form field name": lambda ch: ("POST", "/accounts/login/", urlencode({f"a{ch}": "1"}), "application/x-www-form-urlencoded", {}),
    "form field value": lambda ch: ("POST", "/accounts/login/", urlencode({"username": f"a{ch}b", "password": "x"}), "application/x-www-form-urlencoded", {}),
    "uploaded file name": lambda ch: ("POST", "/accounts/login/", encode_multipart(BOUNDARY, {"f": SimpleUploadedFile(f"a{ch}.txt", b"x")}), MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", BOUNDARY), {}),
    "API JSON value": lambda ch: ("POST", "/api/v1/auth/login/", json.dumps({"username": f"a{ch}b", "password": "x"}), "application/json", {}),
    "API JSON key": lambda ch: ("POST", "/api/v1/auth/login/", json.dumps({f"a{ch}": "x"}), "application/json", {}),
}  # fmt: skip
# Text typed or pasted into a field keeps its TAB, line breaks and other controls (the fields'
# rules deal with them); NUL never. Every other part refuses every C0 character (headers: not TAB).
TEXT_PARTS = {"form field value", "API JSON value"}


@pytest.mark.parametrize("part", sorted(PARTS))
def test_each_control_character_in_each_part(part):
    client = Client()
    wrong = []
    for code in range(0x20):
        ch = chr(code)
        cache.clear()  # the API login's rate limit counts in the cache
        method, path, body, content_type, headers = PARTS[part](ch)
        response = client.generic(method, path, body, content_type=content_type, **headers)
        refused = refused_for_the_character(response)
        expected = ch == NUL if part in TEXT_PARTS else not (part == "header" and ch == "\t")
        if part not in TEXT_PARTS and response.status_code == 400:
            refused = True  # a line break in a multipart header breaks the part: Django's own 400
        if refused != expected or (refused and response.status_code != 400):
            wrong.append(f"U+{code:04X} in the {part}: {response.status_code}, refused={refused}, expected {expected}")
        if response.status_code >= 500:
            wrong.append(f"U+{code:04X} in the {part}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_refusal_names_the_part_in_chinese_and_in_json_under_the_api(in_world):
    clients = Clients(in_world)
    page = clients.send(Request("GET", "/services/home-visits/?branch=WH%00", "", "", True))
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "查询参数“branch”" in text and "U+0000" in text, text
    assert page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"
    api = clients.send(Request("GET", "/api/v1/home-visits/?branch=WH%00", "", "", False))
    assert api.status_code == 400 and "branch" in api.json()["detail"]
    field = clients.send(
        Request("POST", "/api/v1/outreach-events/", json.dumps({"place": f"社区{NUL}"}), "application/json", False)
    )
    assert field.status_code == 400 and "U+0000" in field.json()["place"][0], field.json()
