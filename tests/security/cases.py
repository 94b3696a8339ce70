"""One request of the permission matrix: the route's URL for the target object and a body that
would succeed for a role allowed to do it, sent by the role's client (a browser session for
HTML routes, a knox token for API routes)."""

import datetime
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT, encode_multipart

from core.kinds import kind_for_slug
from tests.api.conftest import payload
from tests.security.routes import Route, _slug_of, build
from tests.security.world import DAY, FORM_DATA, FORM_EDITS, OUTSIDE, ROLE_USERS, World, jpeg

BOUNDARY = "SecurityMatrixBoundary"
CREATE_DAY = datetime.date(2025, 8, 13)  # not the day of the existing rows (a love-station tally is unique per day)
# API routes that are HTML pages of the browser session.
HTML_API_ROUTES = {"api:tokens", "api:token-revoke", "api:docs"}


@dataclass
class Request:
    method: str
    path: str
    body: bytes | str
    content_type: str
    browser: bool  # sent with the role's session (HTML) rather than its token (API)

    def same_as(self, other: "Request") -> bool:
        return (self.method, self.path, self.body) == (other.method, other.path, other.body)


def _form(data: dict) -> tuple[str, str]:
    return urlencode(data, doseq=True), "application/x-www-form-urlencoded"


def _multipart(data: dict) -> tuple[bytes, str]:
    return encode_multipart(BOUNDARY, data), MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", BOUNDARY)


def ui_body(world: World, route: Route, role: str, target: str) -> tuple[bytes | str, str]:
    """The form a user allowed to do this would post."""
    name = route.key.split(":")[-1]
    branch = world.branch(target)
    slug = _slug_of(route.key)
    if name.endswith("-new") and kind_for_slug(slug):
        # What the sample names (a home visit's team of two) where the user may pick it: at the
        # target, or at the user's own branch when the target is out of scope, so that the post
        # is refused for its branch (404), not for a team the form does not offer.
        home = world.net[ROLE_USERS[role][1]] if target in OUTSIDE.get(role, ()) and role in ROLE_USERS else branch
        needed = kind_for_slug(slug).sample.needed_form(home, world.root)
        return _form(FORM_DATA[slug] | needed | {"branch": branch.pk, "occurred_on": CREATE_DAY.isoformat()})
    if name.endswith("-edit") and kind_for_slug(slug):
        record = world.record(slug, target)
        needed = kind_for_slug(slug).sample.needed_form(branch, world.root)
        base = (
            FORM_DATA[slug] | needed | {"branch": branch.pk, "occurred_on": DAY.isoformat(), "version": record.version}
        )
        return _form(base | FORM_EDITS[slug])
    if name.endswith("-delete") and kind_for_slug(slug):
        return _form({"version": world.record(slug, target).version})
    if name.endswith("-detail") and kind_for_slug(slug):  # attach a photo
        return _multipart({"photos": SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg"), "caption": "活动现场"})
    if name == "interventions-transition":
        return _form({"status": "police_notified", "version": world.record("interventions", target).version})
    if name == "interventions-commendation":
        fields = {"branch": branch.pk, "occurred_on": DAY.isoformat(), "kind": "commendation_letter"}
        fields |= {"level": "city", "title": "反诈表扬信"}
        return _form({f"honour-{k}": v for k, v in fields.items()})
    if name == "home-visit-follow-up-done":
        visit = world.record("home-visits", target)
        return _form({f"v{visit.pk}-done_on": DAY.isoformat(), f"v{visit.pk}-version": visit.version})
    if name == "love-station-tally-day":
        return _form({"visitor_group": "courier", "service": "water", "by": "1"})
    if route.key in ("submissions:submit", "submissions:nil-return"):
        return _form({"note": "本月按时报送"})
    if route.key in ("submissions:return", "submissions:reopen"):
        return _form({"reason": "请补充活动照片"})
    if route.key == "dashboard:targets":
        return _form({"home_visits": "60"})
    if route.key == "dashboard:targets-children":
        return _form({"every": "60"})
    if route.key == "dashboard:targets-upload":
        return _multipart({"file": SimpleUploadedFile("t.xlsx", targets_xlsx(world.code(target)))})
    if route.key == "ledgers:import":
        return _form({"kind": "home-visits"})  # no file: refused with a form error, no job started
    if route.key in ("login", "admin:login"):
        return _form(credentials(world, role))
    if route.key == "set_language":
        return _form({"language": "en", "next": "/"})
    if route.key == "reports:evidence":
        item = world.scheme.items.order_by("position", "pk").first()
        return _form({"item": item.pk, "statement": "按要求开展并留存台账"})
    if route.key == "reports:build-new":
        return _form({"kind": "highlights-docx", "code": world.code(target), "period": "2025"})
    if route.key == "api:token-revoke":
        owner = "staff" if target == "qk" else "mgr_bbt"
        return _form({"token": world.tokens[owner][0].digest})
    return _form({})


def targets_xlsx(code: str) -> bytes:
    """A workbook of one target row for the node itself (under it, so allowed where targets are)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["机构代码", "指标", "目标值"])
    book.active.append([code, "home_visits", 60])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def credentials(world: World, role: str) -> dict:
    if role == "anonymous":
        return {"username": "nobody", "password": "wrong-password"}
    return {"username": world.users[role].username, "password": world.passwords[role]}


SUBMISSION_BODIES = {"reason": "请更正", "note": ""}


def api_body(world: World, route: Route, method: str, role: str, target: str) -> dict | None:
    """The JSON a client allowed to do this would send."""
    name = route.key.removeprefix("api:")
    code = world.code(target)
    slug = _slug_of(route.key)
    if name.endswith("-list") and kind_for_slug(slug):
        return payload(slug, world.net, branch=world.branch(target), occurred_on=CREATE_DAY)
    if name.endswith("-detail") and kind_for_slug(slug):
        edit = kind_for_slug(slug).sample.edit
        full = payload(slug, world.net, branch=world.branch(target)) | edit
        return full if method == "PUT" else edit
    if name == "interventions-transition":
        return {"status": "police_notified"}
    if name == "target-list":
        return {"branch": code, "year": 2025, "metric": "outreach_events", "value": "80"}
    if name == "target-detail":
        return {"value": "150"}
    if name == "submission-list":
        return {"branch": code, "month": "2025-07"}
    if name.startswith("submission-"):
        return SUBMISSION_BODIES
    if name == "login":
        return credentials(world, role)
    return None


def request_for(world: World, route: Route, method: str, role: str, target: str) -> Request:
    path = build(world, route, target)
    if not route.is_api or route.key in HTML_API_ROUTES:
        body, content_type = ui_body(world, route, role, target) if method != "GET" else ("", "")
        return Request(method, path, body, content_type, browser=True)
    if route.key == "ledgers-api:import":
        body, content_type = _multipart({"note": "no file"}) if method != "GET" else ("", "")
        return Request(method, path, body, content_type, browser=False)
    data = api_body(world, route, method, role, target) if method != "GET" else None
    body = json.dumps(data) if data is not None else ""
    return Request(method, path, body, "application/json" if method != "GET" else "", browser=False)


def send(world: World, role: str, request: Request):
    client = world.browser(role) if request.browser else world.api(role)
    if request.method == "GET":
        return client.get(request.path)
    return client.generic(request.method, request.path, request.body, content_type=request.content_type)
