"""The world of the security tests: the test network, the eight roles of issue 6, and at
WH-QK-01 and at WH-BBT one object of everything a URL can name (a record of every kind with a
photo, a target, submissions in each state, a ledger import), plus the clients of each role.

Built once per test module and committed (like the `demo` fixture); tests that change it run
each request inside a transaction they roll back.
"""

import datetime
import io
import secrets
from http.cookies import SimpleCookie

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from knox.models import AuthToken
from PIL import Image
from rest_framework.test import APIClient

from background.models import DocumentBuild, TaskRun
from branches.models import Branch, Membership, Role
from branches.services import branch_update, target_set
from core.kinds import record_kinds
from ledgers.models import ImportJob
from records.models import Photo
from records.photos import photo_add
from reminders.models import Notification
from reports import builds
from reports.models import EvaluationItem, EvaluationScheme
from reports.seed import seed_schemes
from submissions.services import submission_approve, submission_return, submission_submit
from tests.conftest import Network, record_data
from tests.kinds import KINDS

# Every row of the matrix names the roles in this order; "staff_admin" (WH-QK's manager with
# the admin's staff status and every model permission, not a superuser) follows, its column
# tests/security/matrix.py copies from "mgr_qk" unless a row names it.
ROLES = ("staff", "mgr_qk", "mgr_bbt", "analyst_wh", "analyst_root", "metrics", "inactive", "anonymous", "staff_admin")
ROLE_USERS = {
    "staff": ("staff_qk", "WH-QK-01", Role.OUTLET_STAFF),
    "mgr_qk": ("manager_qk", "WH-QK", Role.BRANCH_MANAGER),
    "mgr_bbt": ("manager_bbt", "WH-BBT", Role.BRANCH_MANAGER),
    "analyst_wh": ("analyst_wh", "WH", Role.ANALYST),
    "analyst_root": ("analyst_hq", "ICBC", Role.ANALYST),
    "metrics": ("bi_qk", "WH-QK", Role.METRICS_CLIENT),  # a knox token for the API, a session for pages
    "inactive": ("gone_qk", "WH-QK-01", Role.OUTLET_STAFF),
    "staff_admin": ("ops_qk", "WH-QK", Role.BRANCH_MANAGER),
}
# The two objects of every case: one at WH-QK-01, one at WH-BBT.
TARGETS = ("qk", "bbt")
CODES = {"qk": "WH-QK-01", "bbt": "WH-BBT"}
# The branch outside each role's scope (analysts see both; the last two see nothing).
OUTSIDE = {
    "staff": ("bbt",),
    "mgr_qk": ("bbt",),
    "metrics": ("bbt",),
    "mgr_bbt": ("qk",),
    "analyst_wh": (),
    "analyst_root": (),
    "inactive": ("qk", "bbt"),
    "anonymous": ("qk", "bbt"),
    "staff_admin": ("bbt",),
}
# In the notes of every record at the branch: a page showing it shows that branch's records.
MARKERS = {"qk": "内部标记QK01", "bbt": "内部标记BBT"}
DAY = datetime.date(2025, 8, 14)
# A month in each submission state, at both branches (before the records' month: no lock on them).
MONTHS = {
    "submitted": datetime.date(2025, 3, 1),
    "approved": datetime.date(2025, 4, 1),
    "returned": datetime.date(2025, 5, 1),
}
# The record kind whose photos each app's photo URLs serve: the app's first kind unless named here.
PHOTO_KINDS = {k.app: k.slug for k in reversed(KINDS)} | {
    "services": "home-visits",
    "antifraud": "interventions",
    "volunteering": "teams",
    "honours": "honours",
    "partnerships": "partnership-activities",
}

# A valid entry form of each kind (the branch is added per case), and a valid change of it.
FORM_DATA = {k.slug: k.sample.form for k in KINDS}
FORM_EDITS = {k.slug: k.sample.form_edit for k in KINDS}


def jpeg(size=(32, 24), color="red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


class World:
    def __init__(self):
        User = get_user_model()
        self.root = User.objects.create_superuser("sec_root", password="root-pass-123")
        self.approver = User.objects.create_superuser("sec_root2", password="root-pass-456")
        self.net = net = Network(self.root)
        for code in CODES.values():
            branch_update(net[code], user=self.root, love_station_since=2018)
            net.by_code[code] = Branch.objects.get(code=code)
        self.users = {}
        for role, (username, code, kind) in ROLE_USERS.items():
            self.users[role] = net.user(username, code, kind, is_active=role != "inactive")
        staff_admin = self.users["staff_admin"]
        staff_admin.is_staff = True
        staff_admin.save(update_fields=["is_staff"])
        staff_admin.user_permissions.set(Permission.objects.all())
        self.passwords = {role: "pw-" + user.username for role, user in self.users.items()}
        self.tokens = {role: AuthToken.objects.create(user=user) for role, user in self.users.items()}
        self.root_token = AuthToken.objects.create(user=self.root)[1]
        self.sessions, self._clients = {}, {}
        for role, user in self.users.items():
            browser = Client()
            browser.force_login(user)
            self.sessions[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        self.records, self.photos, self.targets, self.submissions, self.jobs = {}, {}, {}, {}, {}
        self.notifications, self.builds = {}, {}
        # Seeded by a data migration, which a flushing test elsewhere on this worker may have undone.
        seed_schemes(EvaluationScheme, EvaluationItem)
        self.scheme = EvaluationScheme.objects.order_by("position", "pk").first()
        self.admin_objects = self._admin_objects()
        for target, code in CODES.items():
            branch = net[code]
            for kind in record_kinds():
                fields = record_data(kind.slug, net, branch) | {"notes": MARKERS[target]}
                record = kind.create(user=self.root, **fields)
                self.records[kind.slug, target] = record
            for slug in PHOTO_KINDS.values():
                upload = SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")
                self.photos[slug, target] = photo_add(self.records[slug, target], user=self.root, upload=upload)
            self.targets[target] = target_set(user=self.root, branch=branch, year=2025, metric="home_visits", value=50)
            for state, month in MONTHS.items():
                sub = submission_submit(user=self.root, branch=branch, month=month)
                if state == "approved":
                    sub = submission_approve(sub, user=self.approver)
                elif state == "returned":
                    sub = submission_return(sub, user=self.approver, reason="请补充照片")
                self.submissions[target, state] = sub
            owner = self.users["staff" if target == "qk" else "mgr_bbt"]
            self.jobs[target] = ImportJob.objects.create(
                user=owner,
                kind="home-visits",
                token=secrets.token_urlsafe(24),
                file_name="台账.xlsx",
                state=ImportJob.State.CHECKED,
                rows_total=1,
                problem_count=1,
                problems=[{"row": 2, "column": "A", "header": "网点", "message": "未知网点", "duplicate": False}],
            )
            self.builds[target] = DocumentBuild.objects.create(
                token=secrets.token_urlsafe(24),
                user=owner,
                kind=DocumentBuild.Kind.HIGHLIGHTS_DOCX,
                branch=branch,
                params={"period": "2025"},
                state=DocumentBuild.State.DONE,
                file_name=f"highlights-{code}-2025.docx",
                size=4,
            )
            builds.file_of(self.builds[target]).write_bytes(b"PK\x03\x04")
            self.notifications[target] = Notification.objects.create(
                user=owner,
                branch=branch,
                kind=Notification.Kind.MONTH_DUE,
                key=f"world:{target}",
                url=f"/submissions/{code}/2025-06/",
                params={"month": "2025-06", "due": "2025-07-10"},
            )

    def _admin_objects(self) -> dict:
        """Objects of the admin's models that no branch owns, one per target."""
        group = Group.objects.create(name="审计员")
        check = TaskRun.objects.create(task="metrics.verify", started_at=timezone.now(), ok=True, summary="0")
        # The periodic tasks' schedules (django-celery-beat), edited in the admin.
        crontab = CrontabSchedule.objects.create(hour="3", minute="15", timezone="Asia/Shanghai")
        schedules = {
            "django_celery_beat.CrontabSchedule": crontab,
            "django_celery_beat.IntervalSchedule": IntervalSchedule.objects.create(every=7, period="days"),
            "django_celery_beat.SolarSchedule": SolarSchedule.objects.create(
                event="sunrise", latitude=30, longitude=114
            ),
            "django_celery_beat.ClockedSchedule": ClockedSchedule.objects.create(clocked_time=timezone.now()),
            "django_celery_beat.PeriodicTask": PeriodicTask.objects.create(
                name="security-world", task="metrics.rebuild_metrics", crontab=crontab
            ),
        }
        objects = {}
        for target, role in (("qk", "staff"), ("bbt", "mgr_bbt")):
            user = self.users[role]
            objects["auth.Group", target] = group
            objects["background.TaskRun", target] = check
            objects.update({(label, target): obj for label, obj in schedules.items()})
            objects[get_user_model()._meta.label, target] = user
            objects["knox.AuthToken", target] = self.tokens[role][0]
            objects["branches.Branch", target] = self.branch(target)
            objects["reports.EvaluationScheme", target] = self.scheme
            self.net.staff(CODES[target], f"员工{target}")
            attempt = dict(username=user.username, ip_address="10.0.0.1", user_agent="test")
            objects["axes.AccessAttempt", target] = AccessAttempt.objects.create(failures_since_start=1, **attempt)
            objects["axes.AccessLog", target] = AccessLog.objects.create(**attempt)
            objects["axes.AccessFailureLog", target] = AccessFailureLog.objects.create(**attempt)
        return objects

    def code(self, target: str) -> str:
        return CODES[target]

    def branch(self, target: str) -> Branch:
        return self.net[CODES[target]]

    def record(self, slug: str, target: str):
        return self.records[slug, target]

    def browser(self, role: str) -> Client:
        """The role's browser: its session cookie (made once).

        One client per role, its cookies reset on every call: a response (a logout) cannot
        change what the next request sends."""
        client = self._clients.get(("browser", role))
        if client is None:
            client = self._clients["browser", role] = Client()
        client.cookies = SimpleCookie()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def api(self, role: str) -> APIClient:
        """The role's API client, authenticated with its knox token (no cookies)."""
        client = self._clients.get(("api", role))
        if client is None:
            client = self._clients["api", role] = APIClient()
            if role in self.tokens:
                client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role][1]}")
        client.cookies = SimpleCookie()
        return client


def branch_rows(path: str, tables: set[str] | None = None) -> dict[str, list]:
    """Every row that belongs to the subtree at `path`, by table: the rows of every model with a
    `branch` (records, submissions, targets, audit entries, the roll-up store, staff, roles...),
    the records' photos and staff links, the branches, and the ledger imports and API tokens of
    the users who hold roles there. `tables`: only the rows of these database tables (those a
    request wrote: the rows of any other table cannot have changed)."""

    def wanted(model) -> bool:
        return tables is None or model._meta.db_table in tables

    under = {"branch__path__startswith": path}
    rows: dict[str, list] = {}
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "branch"), None)
        if field is not None and field.related_model is Branch and wanted(model):
            rows[model._meta.label] = list(model.objects.filter(**under).order_by("pk").values())
    for kind in record_kinds():
        links = [m2m for m2m in kind.model._meta.many_to_many if wanted(m2m.remote_field.through)]
        if not (wanted(Photo) or links):
            continue
        ids = list(kind.model.objects.filter(**under).values_list("pk", flat=True))
        if wanted(Photo):
            content_type = ContentType.objects.get_for_model(kind.model)
            rows[kind.slug + ".photos"] = list(
                Photo.objects.filter(content_type=content_type, object_id__in=ids).order_by("pk").values()
            )
        for m2m in links:
            through = m2m.remote_field.through
            rows[f"{kind.slug}.{m2m.name}"] = list(
                through.objects.filter(**{f"{m2m.m2m_field_name()}_id__in": ids}).order_by("pk").values()
            )
    if wanted(Branch):
        rows["branches"] = list(Branch.objects.filter(path__startswith=path).order_by("pk").values())
    users = Membership.objects.filter(**under).values("user_id")
    if wanted(ImportJob):
        rows["import_jobs"] = list(ImportJob.objects.filter(user_id__in=users).order_by("pk").values())
    if wanted(AuthToken):
        rows["tokens"] = list(AuthToken.objects.filter(user_id__in=users).order_by("digest").values())
    if wanted(get_user_model()):
        rows["users"] = list(get_user_model().objects.filter(pk__in=users).order_by("pk").values())
    return rows


def snapshot(world: World, tables: set[str] | None = None) -> dict[str, dict]:
    """branch_rows of both targets (of `tables` only, when given)."""
    return {target: branch_rows(world.branch(target).path, tables) for target in TARGETS}
