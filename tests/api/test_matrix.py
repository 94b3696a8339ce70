"""Every API route × method × role × an object in and out of the role's scope: the status the
matrix (tests/api/matrix.py) expects, the database unchanged after every refusal, and lists that
never show the other branch's rows."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from audit.models import AuditEntry
from branches.models import Branch, Membership, Role, Staff, Target
from branches.services import branch_update, target_set
from config import api_urls
from core.kinds import kind_for_slug
from metrics.models import DistinctMember, MetricValue, Submission
from records.api.models import IdempotencyKey
from submissions.services import submission_approve, submission_return, submission_submit
from tests.api.conftest import payload
from tests.api.matrix import MATRIX, METHODS, ROLES
from tests.conftest import record_data
from tests.kinds import KIND_IDS
from tests.writes import written_tables

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2025, 8, 1)
CREATE_DAY = datetime.date(2025, 8, 13)  # not the day of the existing rows (love-station rows are unique per day)


class World:
    """The test network plus an outside branch SH, one user per role, and objects on demand."""

    def __init__(self, net, root_user):
        self.net, self.root = net, root_user
        net.add("SH", "ICBC", Branch.Level.CITY)
        net.add("SH-01", "SH", Branch.Level.OUTLET, love_station_since=2019)
        branch_update(net["WH-QK-01"], user=root_user, love_station_since=2020)
        net.by_code["WH-QK-01"] = Branch.objects.get(code="WH-QK-01")
        self.second_root = get_user_model().objects.create_superuser("root2", password="root-pass-456")
        self.users = {
            "outlet_staff": net.user("staff_qk", "WH-QK-01", Role.OUTLET_STAFF),
            "manager": net.user("manager_qk", "WH-QK", Role.BRANCH_MANAGER),
            "analyst": net.user("analyst_wh", "WH", Role.ANALYST),
            "metrics": net.user("bi_wh", "WH", Role.METRICS_CLIENT),
            "outsider": net.user("manager_sh", "SH", Role.BRANCH_MANAGER),
            "inactive": net.user("gone_qk", "WH-QK-01", Role.OUTLET_STAFF, is_active=False),
        }
        self.tokens = {}
        for role, user in self.users.items():
            instance, token = AuthToken.objects.create(user=user)
            self.tokens[role] = (instance, token)
        self._objects: dict = {}

    def code(self, role: str, target: str) -> str:
        own, other = ("SH-01", "WH-QK-01") if role == "outsider" else ("WH-QK-01", "SH-01")
        return own if target == "own" else other

    def api(self, role: str) -> APIClient:
        client = APIClient()
        if role in self.tokens:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role][1]}")
        return client

    def browser(self, role: str) -> Client:
        """A logged-in browser session (made once: logging in writes to the database)."""

        def make():
            client = Client()
            if role in self.users:
                client.force_login(self.users[role])
            return client

        return self._once(("browser", role), make)

    def _once(self, key, make):
        if key not in self._objects:
            self._objects[key] = make()
        return self._objects[key]

    def record(self, slug: str, code: str):
        kind = kind_for_slug(slug)
        fields = record_data(slug, self.net, self.net[code])
        return self._once(("record", slug, code), lambda: kind.create(user=self.root, **fields))

    def staff_member(self, code: str) -> Staff:
        return self._once(("staff", code), lambda: Staff.objects.create(name=f"员工{code}", branch=self.net[code]))

    def target(self, code: str) -> Target:
        return self._once(
            ("target", code),
            lambda: target_set(user=self.root, branch=self.net[code], year=2025, metric="home_visits", value=100),
        )

    def submission(self, code: str, state: str) -> Submission:
        def make():
            sub = submission_submit(user=self.root, branch=self.net[code], month=MONTH)
            if state == "approved":
                sub = submission_approve(sub, user=self.second_root)
            elif state == "returned":
                sub = submission_return(sub, user=self.second_root, reason="请补充")
            return sub

        return self._once(("submission", code), make)


@pytest.fixture
def world(net, root_user):
    return World(net, root_user)


SUBMISSION_STATES = {
    "submission-submit": "returned",
    "submission-nil-return": "returned",
    "submission-approve": "submitted",
    "submission-return": "submitted",
    "submission-reopen": "approved",
    "submission-detail": "submitted",
}


def request_for(world: World, route: str, method: str, role: str, target: str) -> tuple[str, dict | None]:
    """The path and JSON body of one case."""
    code = world.code(role, target)
    user = world.users.get(role)
    slug, _sep, suffix = route.rpartition("-")
    if route.endswith("-list") and kind_for_slug(slug):
        body = payload(slug, world.net, branch=world.net[code], occurred_on=CREATE_DAY)
        return reverse(f"api:{route}"), body
    if route.endswith("-detail") and kind_for_slug(slug):
        obj = world.record(slug, code)
        full = payload(slug, world.net, branch=world.net[code]) | kind_for_slug(slug).sample.edit
        return reverse(f"api:{route}", args=[obj.pk]), full if method == "PUT" else kind_for_slug(slug).sample.edit
    if route == "interventions-transition":
        obj = world.record("interventions", code)
        return reverse(f"api:{route}", args=[obj.pk]), {"status": "police_notified"}
    if route == "staff-detail":
        return reverse("api:staff-detail", args=[world.staff_member(code).pk]), None
    if route == "branch-list":
        return reverse("api:branch-list"), None
    if route == "branch-detail":
        return reverse("api:branch-detail", args=[code]), None
    if route == "target-list":
        return reverse("api:target-list"), {"branch": code, "year": 2025, "metric": "outreach_events", "value": "80"}
    if route == "target-detail":
        return reverse("api:target-detail", args=[world.target(code).pk]), {"value": "150"}
    if route == "submission-list":
        return reverse("api:submission-list"), {"branch": code, "month": "2025-07"}
    if route in SUBMISSION_STATES:
        sub = world.submission(code, SUBMISSION_STATES[route])
        return reverse(f"api:{route}", args=[sub.pk]), {"reason": "请更正", "note": ""}
    if route == "metrics":
        return f"{reverse('api:metrics')}?branch={code}&period=2025", None
    if route == "login":
        if user is None:
            return reverse("api:login"), {"username": "nobody", "password": "wrong-password"}
        return reverse("api:login"), {"username": user.username, "password": f"pw-{user.username}"}
    if route == "token-revoke":
        owner = role if target == "own" else ("manager" if role != "manager" else "analyst")
        digest = world.tokens[owner if owner in world.tokens else "manager"][0].digest
        return reverse("api:token-revoke"), {"token": digest}
    return reverse(f"api:{route}"), None


HTML_ROUTES = {"tokens", "token-revoke"}
ALL_TABLES = [
    get_user_model(),
    Branch,
    Staff,
    Membership,
    Target,
    Submission,
    AuditEntry,
    MetricValue,
    DistinctMember,
    IdempotencyKey,
    AuthToken,
    *[kind_for_slug(slug).model for slug in KIND_IDS],
]


TRACKED = {model._meta.db_table for model in ALL_TABLES}


def snapshot() -> dict:
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in ALL_TABLES}


def rows_changed(queries, send_again) -> bool:
    """Whether a request changed a row of the tables compared: not when it wrote to none of them
    (its statements, `queries`, say so); otherwise it is sent again between two snapshots."""
    tables = written_tables(queries)
    if tables is not None and not tables & TRACKED:
        return False
    before = snapshot()
    with transaction.atomic():
        send_again()
        after = snapshot()
        transaction.set_rollback(True)
    return after != before


def send(world: World, route: str, method: str, role: str, path: str, body):
    if route in HTML_ROUTES:
        client = world.browser(role)
        return client.generic(method, path, data=_form(body), content_type="application/x-www-form-urlencoded")
    client = world.api(role)
    return client.generic(method, path, data=json.dumps(body or {}), content_type="application/json")


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _form(body) -> str:
    from urllib.parse import urlencode

    return urlencode(body or {})


def _other_rows_shown(world: World, route: str, role: str, response) -> list:
    """On a list, the rows that belong to the branch outside the role's scope."""
    if not route.endswith("-list") or response.status_code != 200 or role not in world.users:
        return []
    other = world.code(role, "other")
    results = response.json()["results"]
    if route == "branch-list":
        return [r for r in results if r["code"] in ("SH", "SH-01") and other == "SH-01"]
    return [r for r in results if r.get("branch") == other]


def _prepare_lists(world: World, route: str) -> None:
    """Rows on both sides, so that a list that leaks shows it."""
    slug = route.removesuffix("-list")
    for code in ("WH-QK-01", "SH-01"):
        if kind_for_slug(slug):
            world.record(slug, code)
        elif route == "target-list":
            world.target(code)
        elif route == "submission-list":
            world.submission(code, "submitted")
        elif route == "staff-list":
            world.staff_member(code)
        elif route == "deleted":
            kind = kind_for_slug("outreach-events")
            fields = record_data("outreach-events", world.net) | {"branch": world.net[code]}
            kind.delete(kind.create(user=world.root, **fields), user=world.root)


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_permissions(world, route):
    _prepare_lists(world, route)
    wrong = []
    for method, expected in MATRIX[route].items():
        for role in ROLES:
            own, other = expected[role]
            for target, status in (("own", own), ("other", other)):
                if target == "other" and own == other and route != "token-revoke":
                    continue
                path, body = request_for(world, route, method, role, target)
                if route in HTML_ROUTES:
                    world.browser(role)  # logged in before: logging in writes

                def send_it(route=route, method=method, role=role, path=path, body=body):
                    return send(world, route, method, role, path, body)

                with transaction.atomic():
                    with CaptureQueriesContext(connection) as queries:
                        response = send_it()
                    refused = response.status_code >= 400 or target == "other" or _sent_to_login(response)
                    leaked = _other_rows_shown(world, route, role, response)
                    transaction.set_rollback(True)
                changed = refused and route != "login" and rows_changed(queries, send_it)
                if response.status_code != status or changed or leaked:
                    wrong.append(
                        f"{method} {path} as {role} ({target}): {response.status_code} (expected {status})"
                        + (" and the database changed" if changed else "")
                        + (f" and showed {len(leaked)} rows of the other branch" if leaked else "")
                        + f" {response.content[:200]!r}"
                    )
    assert not wrong, "\n".join(wrong)


def api_route_names() -> set[str]:
    return {pattern.name for pattern in api_urls.urlpatterns}


def test_every_route_and_method_is_in_the_matrix():
    missing = sorted(
        f"{name} {method}" for name in api_route_names() for method in METHODS if method not in MATRIX.get(name, {})
    )
    assert not missing, f"routes missing from tests/api/matrix.py: {missing}"
    assert set(MATRIX) == api_route_names(), f"stale matrix entries: {set(MATRIX) - api_route_names()}"


def test_a_change_is_seen_and_a_read_is_not(world):
    """rows_changed sends again and compares what a request wrote; one that wrote nothing of the
    tables compared is not sent again."""
    branch = world.net["WH-QK-01"]

    def write():
        Staff.objects.create(branch=branch, name="赵六")

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        write()
        transaction.set_rollback(True)
    assert rows_changed(queries, write)
    assert not Staff.objects.filter(name="赵六").exists()  # the second sending was rolled back too

    with CaptureQueriesContext(connection) as queries:
        list(Staff.objects.all())
    assert not rows_changed(queries, lambda: pytest.fail("a read is not sent again"))
