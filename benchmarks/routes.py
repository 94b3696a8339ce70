"""Every GET route of the URLconf, requested as a user at the root, a province, a sub-branch and
an outlet of a generated network (issue 19): p50, p95, queries, bytes and the process's peak RSS
of each, beside the limit of the route's class.

The URLs come from tests/security/routes.py (the rules that fill each route's arguments; a route
no rule knows raises CannotBuild, so a new route fails the bench until it has a case) over a
RouteWorld: the objects those rules name, made once in the measured network (a record of every
kind with a photo at the outlet, submissions in each state, a target, an import job, a document
build and a notification of each user). The requests go through Django's full stack in this
process (django.test.Client), so this process is the worker whose peak RSS is reported.
"""

import datetime
import io
import re
import secrets
import statistics
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.memory import peak_rss_mb
from benchmarks.pages import forget_cached_parts, percentile
from branches.models import Branch, Membership, Role, Staff

LEVELS = ("root", "province", "sub", "outlet")
ROLES = {
    "root": Role.BRANCH_MANAGER,
    "province": Role.BRANCH_MANAGER,
    "sub": Role.BRANCH_MANAGER,
    "outlet": Role.OUTLET_STAFF,
}
# Months no generated record falls in (the networks hold 2021-2025): their submissions lock nothing measured.
MONTHS = {
    "submitted": datetime.date(2020, 3, 1),
    "approved": datetime.date(2020, 4, 1),
    "returned": datetime.date(2020, 5, 1),
}
# After every generated record of the bench's year (the generator writes days 1 to 28): the
# world's records, and their photos, are among the newest any list, report or evidence pack
# shows, in either network, so both show the same things and make the same queries.
RECORD_DAY = datetime.date(2025, 12, 30)
MARK = "bench-route-world"


@dataclass(frozen=True)
class Limit:
    name: str
    p50: float | None  # seconds
    p95: float | None
    max_bytes: int | None = None


LIST = Limit("list", 0.150, 0.300, 150_000)
FORM = Limit("form", 0.300, None, 150_000)
PAGE = Limit("page", 0.300, None)
REPORT = Limit("report", 1.0, None)
DOCUMENT = Limit("document or job", 5.0, None)
EXPORT = Limit("export (streamed)", None, None)
# The first matching pattern of a route's key decides its class; PAGE otherwise.
CLASSES = (
    (r"-(list|changelist)$|^api:metrics$|^api:deleted$|^services:home-visit-follow-ups$|^submissions:index$", LIST),
    (r"-(new|edit|add|change)$|^ledgers:import$", FORM),
    (r"^reports:highlights(-edit)?$", REPORT),
    (r"^reports:(highlights-docx|highlights-pdf|evidence-zip)$", DOCUMENT),
    (r"export|template", EXPORT),
)


def limit_of(key: str) -> Limit:
    for pattern, limit in CLASSES:
        if re.search(pattern, key):
            return limit
    return PAGE


@dataclass
class Measure:
    status: int
    p50: float
    p95: float
    requests: int
    queries: int
    size: int
    rss_mb: float

    def met(self, limit: Limit) -> bool | None:
        if self.status == 405:
            return None  # not a GET route
        checks = []
        if limit.p50 is not None:
            checks.append(self.p50 < limit.p50)
        if limit.p95 is not None:
            checks.append(self.p95 < limit.p95)
        if limit.max_bytes is not None:
            checks.append(self.size < limit.max_bytes)
        return all(checks) if checks else None


@dataclass
class RouteResult:
    key: str
    limit: Limit
    by_level: dict = field(default_factory=dict)  # level -> Measure

    @property
    def met(self) -> bool | None:
        verdicts = [m.met(self.limit) for m in self.by_level.values()]
        verdicts = [v for v in verdicts if v is not None]
        return all(verdicts) if verdicts else None


def line_of(root: Branch) -> dict[str, Branch]:
    """The measured line of the tree: the root, and an outlet with a love station (so every kind
    can be recorded there) with its sub-branch and province."""
    under = Branch.objects.filter(path__startswith=root.path)
    outlet = under.filter(level=Branch.Level.OUTLET, love_station_since__isnull=False).order_by("code").first()
    if outlet is None:
        raise SystemExit(f"{root.code} has no outlet with a love station to measure")
    above = {b.level: b for b in Branch.objects.filter(pk__in=outlet.ancestor_ids)}
    return {
        "root": root,
        "province": above.get(Branch.Level.PROVINCE) or above.get(Branch.Level.CITY) or root,
        "sub": above.get(Branch.Level.SUB_BRANCH) or root,
        "outlet": outlet,
    }


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(buf, "JPEG")
    return buf.getvalue()


class RouteWorld:
    """What tests/security/routes.py's rules read (the interface of tests.security.world.World),
    at the measured line of a generated network. Targets are LEVELS; idempotent."""

    months = MONTHS

    def __init__(self, root_code: str):
        from knox.models import AuthToken

        from background.models import DocumentBuild, TaskRun
        from reports.models import EvaluationItem, EvaluationScheme
        from reports.seed import seed_schemes

        seed_schemes(EvaluationScheme, EvaluationItem)  # a flushed test database may have lost them
        root = Branch.objects.get(code=root_code)
        self.line = line_of(root)
        User = get_user_model()
        self.admin = self._superuser(f"bench-root-{root_code}")
        self.approver = self._superuser(f"bench-root2-{root_code}")
        self.users = {level: self._member(f"bench-{level}-{root_code}", level) for level in LEVELS}
        head = self.users["root"]
        if not head.is_staff:  # the head office's user also opens the admin (scoped, not a superuser)
            head.is_staff = True
            head.save(update_fields=["is_staff"])
            head.user_permissions.set(Permission.objects.all())
        self.tokens = {level: AuthToken.objects.create(user=user)[1] for level, user in self.users.items()}
        self.scheme = EvaluationScheme.objects.order_by("position", "pk").first()
        self.records, self.photos = self._records()
        self.targets, self.submissions, self.jobs, self.builds, self.notifications = {}, {}, {}, {}, {}
        for level, user in self.users.items():
            node = self.line[level]
            self.targets[level] = self._target(node)
            for state in MONTHS:
                self.submissions[level, state] = self._submission(node, state)
            self.jobs[level] = self._job(user)
            self.builds[level] = self._build(user, node, DocumentBuild)
            self.notifications[level] = self._notification(user, node)
        check = TaskRun.objects.filter(task="metrics.verify").order_by("pk").first() or TaskRun.objects.create(
            task="metrics.verify", started_at=timezone.now(), ok=True, summary="0"
        )
        group, _created = Group.objects.get_or_create(name="审计员")
        outlet = self.line["outlet"]
        staff = Staff.objects.filter(branch=outlet).order_by("pk").first() or Staff.objects.create(
            branch=outlet, name="基准员工"
        )
        schedules = self._schedules()
        self.admin_objects = {}
        for level, user in self.users.items():
            self.admin_objects |= {(label, level): obj for label, obj in schedules.items()}
            self.admin_objects |= {
                ("auth.Group", level): group,
                ("background.TaskRun", level): check,
                (User._meta.label, level): user,
                ("knox.AuthToken", level): AuthToken.objects.filter(user=user).order_by("created").first(),
                ("branches.Branch", level): outlet,
                ("branches.Staff", level): staff,
                ("reports.EvaluationScheme", level): self.scheme,
            }
            self.admin_objects |= self._axes_objects(user, level)

    # -- the interface of tests.security.world.World ------------------------------------------

    def code(self, target: str) -> str:
        return self.line[target].code

    def branch(self, target: str) -> Branch:
        # Objects found by branch (admin pages of branch-owned models) are taken at the outlet:
        # an admin page of the root's own Branch row would list its whole subtree for deletion.
        return self.line["outlet"]

    def record(self, slug: str, target: str):
        return self.records[slug]

    # -- clients ------------------------------------------------------------------------------

    def browser(self, level: str) -> Client:
        client = Client()
        client.force_login(self.users[level])
        return client

    def api(self, level: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Token {self.tokens[level]}")

    # -- making the objects, once -------------------------------------------------------------

    def _superuser(self, username: str):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        return user or User.objects.create_superuser(username, password=secrets.token_urlsafe(16))

    def _member(self, username: str, level: str):
        user, _created = get_user_model().objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, branch=self.line[level], role=ROLES[level])
        return user

    def _records(self):
        from core.kinds import record_kinds
        from records.models import Photo
        from records.photos import photo_add

        outlet = self.line["outlet"]
        records, photos = {}, {}
        for kind in record_kinds():
            record = kind.model.objects.filter(branch=outlet, notes=MARK, occurred_on=RECORD_DAY).order_by("pk").first()
            if record is None:
                sample = kind.sample
                fields = {**sample.fields, **sample.needed(outlet, self.admin)}
                try:
                    record = kind.create(
                        user=self.admin, branch=outlet, occurred_on=RECORD_DAY, **(fields | {"notes": MARK})
                    )
                except ValidationError:  # the day is taken (one tally per station and day): use the outlet's own
                    record = kind.model.objects.filter(branch=outlet).order_by("pk").first()
                    if record is None:
                        raise
            records[kind.slug] = record
            content_type = ContentType.objects.get_for_model(kind.model)
            photo = Photo.objects.filter(content_type=content_type, object_id=record.pk).order_by("pk").first()
            if photo is None:
                upload = SimpleUploadedFile("p.jpg", _jpeg(), content_type="image/jpeg")
                photo = photo_add(record, user=self.admin, upload=upload)
            photos |= {(kind.slug, level): photo for level in LEVELS}
        return records, photos

    def _target(self, node):
        from branches.models import Target
        from branches.services import target_set

        found = Target.objects.filter(branch=node, year=2025, metric="home_visits").first()
        return found or target_set(user=self.admin, branch=node, year=2025, metric="home_visits", value=50)

    def _submission(self, node, state):
        from metrics.models import Submission
        from submissions.services import submission_approve, submission_return, submission_submit

        found = Submission.objects.filter(branch=node, month=MONTHS[state]).first()
        if found is not None:
            return found
        sub = submission_submit(user=self.admin, branch=node, month=MONTHS[state])
        if state == "approved":
            sub = submission_approve(sub, user=self.approver)
        elif state == "returned":
            sub = submission_return(sub, user=self.approver, reason="请补充照片")
        return sub

    def _job(self, user):
        from ledgers.models import ImportJob

        return ImportJob.objects.filter(user=user, file_name="基准台账.xlsx").first() or ImportJob.objects.create(
            user=user,
            kind="home-visits",
            token=secrets.token_urlsafe(24),
            file_name="基准台账.xlsx",
            state=ImportJob.State.CHECKED,
            rows_total=1,
            problem_count=1,
            problems=[{"row": 2, "column": "A", "header": "网点", "message": "未知网点", "duplicate": False}],
        )

    def _build(self, user, node, DocumentBuild):
        from reports import builds

        build = DocumentBuild.objects.filter(user=user, branch=node).first()
        if build is None:
            build = DocumentBuild.objects.create(
                token=secrets.token_urlsafe(24),
                user=user,
                kind=DocumentBuild.Kind.HIGHLIGHTS_DOCX,
                branch=node,
                params={"period": "2025"},
                state=DocumentBuild.State.DONE,
                file_name=f"highlights-{node.code}-2025.docx",
                size=4,
            )
        path = builds.file_of(build)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"PK\x03\x04")
        return build

    def _notification(self, user, node):
        from reminders.models import Notification

        key = f"bench:{user.username}"
        return Notification.objects.filter(user=user, key=key).first() or Notification.objects.create(
            user=user,
            branch=node,
            kind=Notification.Kind.MONTH_DUE,
            key=key,
            url=f"/submissions/{node.code}/2020-06/",
            params={"month": "2020-06", "due": "2020-07-10"},
        )

    def _schedules(self) -> dict:
        """One object of each django-celery-beat model the admin edits."""
        from django_celery_beat.models import (
            ClockedSchedule,
            CrontabSchedule,
            IntervalSchedule,
            PeriodicTask,
            SolarSchedule,
        )

        crontab, _c = CrontabSchedule.objects.get_or_create(hour="3", minute="15", timezone="Asia/Shanghai")
        clocked = ClockedSchedule.objects.order_by("pk").first() or ClockedSchedule.objects.create(
            clocked_time=timezone.now()
        )
        return {
            "django_celery_beat.CrontabSchedule": crontab,
            "django_celery_beat.IntervalSchedule": IntervalSchedule.objects.get_or_create(every=7, period="days")[0],
            "django_celery_beat.SolarSchedule": SolarSchedule.objects.get_or_create(
                event="sunrise", latitude=30, longitude=114
            )[0],
            "django_celery_beat.ClockedSchedule": clocked,
            "django_celery_beat.PeriodicTask": PeriodicTask.objects.get_or_create(
                name="bench-route-world", defaults={"task": "metrics.rebuild_metrics", "crontab": crontab}
            )[0],
        }

    def _axes_objects(self, user, level) -> dict:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        attempt = dict(username=user.username, ip_address="10.0.0.1", user_agent="bench")
        objects = {}
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            found = model.objects.filter(**attempt).first()
            if found is None:
                extra = {"failures_since_start": 1} if model is AccessAttempt else {}
                found = model.objects.create(**attempt, **extra)
            objects[model._meta.label, level] = found
        return objects


def routes_and_urls(world: RouteWorld) -> list[tuple[object, dict[str, str]]]:
    """(route, {level: URL}) of every route; raises CannotBuild for a route without a case."""
    from tests.security.routes import all_routes, build

    return [(route, {level: build(world, route, level) for level in LEVELS}) for route in all_routes()]


def _size(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _request(client: Client, url: str):
    started = time.perf_counter()
    response = client.get(url)
    size = _size(response)  # a streamed body is read to its end: that is part of the request's time
    return response, time.perf_counter() - started, size


def measure_url(client: Client, url: str, requests: int, budget: float) -> Measure:
    """One untimed warm-up (which is timed instead when it is the only request the budget
    allows), then up to `requests` timed requests within `budget` seconds, then a count of the
    queries of one request made right after a write (the cached parts rebuilt)."""
    response, first, size = _request(client, url)
    if response.status_code >= 500:
        raise RuntimeError(f"{url} answered {response.status_code}")
    seconds = []
    spent = 0.0
    while len(seconds) < requests and spent + first < budget:
        response, took, size = _request(client, url)
        seconds.append(took)
        spent += took
    if not seconds:
        seconds = [first]
    forget_cached_parts()
    with CaptureQueriesContext(connection) as captured:
        _request(client, url)
    rss = peak_rss_mb()
    return Measure(
        response.status_code,
        statistics.median(seconds),
        percentile(seconds, 95),
        len(seconds),
        len(captured),
        size,
        rss,
    )


def fresh(client: Client) -> Client:
    """A new test client with `client`'s credentials (its session cookie or token header).

    Django's test Client connects its bound method store_exc_info to a signal on every request,
    and each connect registers a weakref.finalize on the client, released only with the client.
    One client kept for a whole run piles up tens of thousands of them, and every full garbage
    collection walks them: pauses that grew to near 200 ms late in a run, the slow p95 of routes
    measured late, which no served request has (a gunicorn worker has no test client). So each
    route is requested by a client of its own."""
    made = Client(**client.defaults)
    made.cookies.load(client.cookies)
    return made


def measure_routes(world: RouteWorld, requests: int = 10, budget: float = 3.0, only: str = "") -> list[RouteResult]:
    results = []
    browsers = {level: world.browser(level) for level in LEVELS}
    apis = {level: world.api(level) for level in LEVELS}
    for route, urls in routes_and_urls(world):
        if only and not re.search(only, route.key):
            continue
        result = RouteResult(route.key, limit_of(route.key))
        for level, url in urls.items():
            client = fresh(apis[level] if route.is_api else browsers[level])
            result.by_level[level] = measure_url(client, url, requests, budget)
        results.append(result)
    return results


def count_queries(world: RouteWorld, only: str = "") -> dict[tuple[str, str], int]:
    """{(route, level): queries} of one request each, made right after a write (smoke runs)."""
    counts = {}
    browsers = {level: world.browser(level) for level in LEVELS}
    apis = {level: world.api(level) for level in LEVELS}
    for route, urls in routes_and_urls(world):
        if only and not re.search(only, route.key):
            continue
        for level, url in urls.items():
            client = fresh(apis[level] if route.is_api else browsers[level])
            response, _took, _size_ = _request(client, url)  # warm: first-request caches are not counted
            if response.status_code >= 500:
                raise RuntimeError(f"{url} answered {response.status_code}")
            forget_cached_parts()
            with CaptureQueriesContext(connection) as captured:
                _request(client, url)
            counts[route.key, level] = len(captured)
    return counts


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def table(results: list[RouteResult]) -> str:
    """One row per route: p50 at each level, the worst p95, queries and bytes, the verdict."""
    head = "| route | class | " + " | ".join(f"{level} p50 ms" for level in LEVELS)
    lines = [
        head + " | worst p95 ms | queries (max) | KB (max) | status | goal |",
        "|---|---|" + "---:|" * len(LEVELS) + "---:|---:|---:|---|---|",
    ]
    for result in results:
        measures = list(result.by_level.values())
        statuses = sorted({m.status for m in measures})
        verdict = {True: "met", False: "**not met**", None: "—"}[result.met]
        lines.append(
            f"| `{result.key}` | {result.limit.name} | "
            + " | ".join(_ms(result.by_level[level].p50) for level in LEVELS)
            + f" | {_ms(max(m.p95 for m in measures))} | {max(m.queries for m in measures)}"
            + f" | {max(m.size for m in measures) / 1024:.0f} | {'/'.join(map(str, statuses))} | {verdict} |"
        )
    return "\n".join(lines)
