"""The pages measured: the head-office dashboard, a sub-branch dashboard and the metrics API,
each requested through Django's full request stack (middleware, sessions or token, views,
templates, serializers) with django.test.Client, warm, as the users who would open them."""

import statistics
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from branches.models import Branch, Membership, Role
from core.periods import Period

API_METRIC = "home_visits"


@dataclass
class Page:
    key: str
    label: str
    url: str
    client: Client
    node: Branch


@dataclass
class Timing:
    p50: float
    p95: float
    requests: int


def network(root_code: str) -> tuple[Branch, Branch]:
    """The root of a generated network and the sub-branch measured (the first by code)."""
    root = Branch.objects.get(code=root_code)
    sub = (
        Branch.objects.filter(path__startswith=root.path, level=Branch.Level.SUB_BRANCH).order_by("code").first()
        or root
    )
    return root, sub


def _user(username: str, branch: Branch, role: str):
    user, _created = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, branch=branch, role=role)
    return user


def bench_users(root: Branch, sub: Branch) -> dict:
    """A head-office analyst, the sub-branch's manager and a metrics client (idempotent)."""
    return {
        "analyst": _user(f"bench-analyst-{root.code}", root, Role.ANALYST),
        "manager": _user(f"bench-manager-{sub.code}", sub, Role.BRANCH_MANAGER),
        "client": _user(f"bench-client-{root.code}", root, Role.METRICS_CLIENT),
    }


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> Client:
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def pages(root: Branch, sub: Branch, period: Period) -> list[Page]:
    users = bench_users(root, sub)
    query = f"?period={period.text}"
    api = f"/api/v1/metrics/?branch={root.code}&period={period.text}&metric={API_METRIC}&by=children,month"
    return [
        Page("head", "Head-office dashboard", f"/dashboard/{root.code}/{query}", _browser(users["analyst"]), root),
        Page("sub", "Sub-branch dashboard", f"/dashboard/{sub.code}/{query}", _browser(users["manager"]), sub),
        Page("api", "GET /api/v1/metrics/ (1 metric, by children, 12 months)", api, _api(users["client"]), root),
    ]


def _get(page: Page):
    response = page.client.get(page.url)
    if response.status_code != 200:
        raise RuntimeError(f"{page.url} answered {response.status_code}: {response.content[:300]!r}")
    return response


def forget_cached_parts() -> None:
    """As if a record had just been saved: the dashboards' cached parts are not served."""
    from core.freshness import new_epoch

    new_epoch()


class Writer:
    """Saves a record at an outlet of the network through its kind's service, as outlet staff
    would (its roll-up deltas and the versions of the outlet and its ancestors replaced on
    commit), and takes them all away again afterwards through the same services. Dated `day`
    (the last day of the period a page shows, so that the page shows the write), today when
    not given (after the period of a past year's page: core.freshness keeps that page)."""

    SLUG = "outreach-events"

    def __init__(self, root: Branch, day=None):
        from core.kinds import kind_for_slug

        self.kind = kind_for_slug(self.SLUG)
        self.outlet = (
            Branch.objects.filter(path__startswith=root.path, level=Branch.Level.OUTLET).order_by("code").first()
        )
        self.user = _user(f"bench-writer-{self.outlet.code}", self.outlet, Role.OUTLET_STAFF)
        self.day = min(day or timezone.localdate(), timezone.localdate())  # not locked: no submission at scale
        self.written: list = []

    def write(self) -> None:
        fields = {"branch": self.outlet, "occurred_on": self.day, **self.kind.sample.fields}
        self.written.append(self.kind.create(user=self.user, **fields))

    def undo(self) -> None:
        for record in self.written:
            self.kind.delete(record, user=self.user)
        self.written = []


def time_page(page: Page, requests: int, warmup: int = 3, cold: bool = False, before=None) -> Timing:
    """p50 and p95 of `requests` warm requests (after `warmup` untimed ones); `cold`: each right
    after a change that shows everywhere (a rebuild), so the dashboard's cached part is built
    again whole; `before`: called untimed before each request (a write)."""
    for _ in range(warmup):
        _get(page)
    seconds = []
    for _ in range(requests):
        if cold:
            forget_cached_parts()
        if before is not None:
            before()
        started = time.perf_counter()
        _get(page)
        seconds.append(time.perf_counter() - started)
    return Timing(statistics.median(seconds), percentile(seconds, 95), requests)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def count_queries(page: Page) -> int:
    _get(page)  # warm: first-request caches (content types, translations) are not counted
    forget_cached_parts()  # every query the page can make, as right after a write
    with CaptureQueriesContext(connection) as captured:
        _get(page)
    return len(captured)
