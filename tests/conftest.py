import datetime
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from branches.models import Branch, Membership, Role, Staff
from branches.services import branch_create
from core.kinds import kind_for_slug
from core.privacy import contains_personal_identifier


@pytest.fixture(autouse=True, scope="session")
def _tasks_in_process():
    """Queued tasks run in the test's own process, at once (tests/tasks runs a real worker)."""
    from background.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    yield
    # A request in English leaves English active in this thread (LocaleMiddleware): not the next test's.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def root_user(db):
    return get_user_model().objects.create_superuser("root", password="root-pass-123")


class Network:
    """A small tree: ICBC > WH > {QK > {QK-01, QK-02}, BBT, HY > HY-01 (love station)}."""

    def __init__(self, root_user):
        self.root_user = root_user
        self.by_code: dict[str, Branch] = {}
        add = self.add
        add("ICBC", None, Branch.Level.HEAD_OFFICE)
        add("WH", "ICBC", Branch.Level.CITY)
        add("WH-QK", "WH", Branch.Level.SUB_BRANCH)
        add("WH-QK-01", "WH-QK", Branch.Level.OUTLET)
        add("WH-QK-02", "WH-QK", Branch.Level.OUTLET)
        add("WH-BBT", "WH", Branch.Level.SUB_BRANCH)
        add("WH-HY", "WH", Branch.Level.SUB_BRANCH)
        add("WH-HY-01", "WH-HY", Branch.Level.OUTLET, love_station_since=2017)

    def add(self, code, parent, level, **extra):
        branch = branch_create(
            user=self.root_user,
            code=code,
            name=f"{code} 网点",
            level=level,
            parent=self.by_code[parent] if parent else None,
            **extra,
        )
        self.by_code[code] = branch
        return branch

    def __getitem__(self, code) -> Branch:
        return self.by_code[code]

    def user(self, username, code, role, **extra):
        user = get_user_model().objects.create_user(username, password="pw-" + username, **extra)
        Membership.objects.create(user=user, branch=self[code], role=role)
        return user

    def staff(self, code, name):
        return Staff.objects.create(branch=self[code], name=name)


@pytest.fixture
def net(root_user):
    return Network(root_user)


@pytest.fixture
def staff_qk(net):
    return net.user("staff_qk", "WH-QK-01", Role.OUTLET_STAFF)


@pytest.fixture
def staff_qk2(net):
    return net.user("staff_qk2", "WH-QK-02", Role.OUTLET_STAFF)


@pytest.fixture
def manager_qk(net):
    return net.user("manager_qk", "WH-QK", Role.BRANCH_MANAGER)


@pytest.fixture
def analyst_wh(net):
    return net.user("analyst_wh", "WH", Role.ANALYST)


@pytest.fixture
def analyst_hq(net):
    return net.user("analyst_hq", "ICBC", Role.ANALYST)


DAY = datetime.date(2025, 8, 14)


def record_data(slug: str, net: Network, branch: Branch | None = None) -> dict:
    """Valid fields for one record of the kind at `branch` (the sample's outlet unless given),
    from the kind's sample: with the records it names there (a home visit's team of two)."""
    sample = kind_for_slug(slug).sample
    branch = branch or net[sample.branch]
    needed = sample.needed(branch, net.root_user) if sample.needs else {}
    return {"branch": branch, "occurred_on": DAY, **sample.fields, **needed}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The article's demo network and records, loaded once per test module ({code: Branch}).

    The data is committed (tests of the module see it inside their own transactions) and
    flushed when the module ends, so other modules start from an empty database.
    """
    import io

    with django_db_blocker.unblock():
        with override_settings(PORTAL_DEMO=True):
            call_command("load_demo", stdout=io.StringIO())
        # The evaluation schemes come from a data migration, which an earlier module's flush undid.
        from reports.models import EvaluationItem, EvaluationScheme
        from reports.seed import seed_schemes

        seed_schemes(EvaluationScheme, EvaluationItem)
        yield {b.code: b for b in Branch.objects.all()}
        call_command("flush", interactive=False, verbosity=0)


# ---- Privacy plugin (issue 6): no full 18-digit resident ID or 11-digit mobile number in any
# response body (HTML, JSON, CSV, text; files such as XLSX and images are not text) or log line
# of the whole suite. A middleware (outermost, added at start-up, so the test client, the WSGI
# handler of the fuzz test and live servers all pass through it) and a handler on the root
# logger record each offending answer or line; the test that produced it fails, naming the URL.
# Tests may SEND such numbers (hostile input): the answers must not echo them back.
PRIVACY_FINDINGS: list[str] = []
# Long random runs (tokens, digests, CSRF values) can hold 11 digits by chance: not phone numbers.
_TOKENISH = re.compile(r"[A-Za-z0-9_\-]{32,}")
# An ISO date after an id ("/tally/180/2026-12-06/": 1,8,0 then 2026-12-06 spell 11 digits that
# start like a mobile number) is a page's own address, not a phone number: 4-2-2 is no way of
# writing one.
_ISO_DATE = re.compile(r"(?<![0-9])[12][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])(?![0-9])")


def holds_personal_number(text: str) -> bool:
    """The free-text rule's own matcher (core.privacy on folded text): any spelling counts."""
    text = _ISO_DATE.sub(" DATE ", _TOKENISH.sub(" ", text))
    return contains_personal_identifier(text)


def _check(data: bytes, where: str) -> None:
    if holds_personal_number(data.decode("utf-8", "replace")):
        PRIVACY_FINDINGS.append(f"response to {where}")


def _checked_stream(chunks, where: str):
    seen = []
    for chunk in chunks:
        seen.append(chunk)
        yield chunk
    _check(b"".join(seen), where)


class PrivacyScanMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/") or "json" in content_type:
            where = f"{request.method} {request.get_full_path()} ({response.status_code})"
            if response.streaming:
                response.streaming_content = _checked_stream(response.streaming_content, where)
            else:
                _check(response.content, where)
        return response


class _PrivacyLogHandler(logging.Handler):
    def emit(self, record):
        # Fields joined by a bar, not a space: the matcher takes spaces inside a number, and a
        # message ending in digits next to the time a formatter added is no number in any line.
        text = " | ".join([record.getMessage(), *(str(v) for v in vars(record).values() if isinstance(v, str))])
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        if holds_personal_number(text):
            PRIVACY_FINDINGS.append(f"log line of {record.name}: {record.getMessage()[:200]}")


def pytest_configure(config):
    from django.conf import settings

    settings.MIDDLEWARE = ["tests.conftest.PrivacyScanMiddleware", *settings.MIDDLEWARE]
    logging.getLogger().addHandler(_PrivacyLogHandler())


@pytest.fixture(autouse=True)
def _no_personal_numbers_leak():
    PRIVACY_FINDINGS.clear()
    yield
    found, PRIVACY_FINDINGS[:] = list(PRIVACY_FINDINGS), []
    if found:
        pytest.fail("a full ID or mobile number left the app in:\n" + "\n".join(found), pytrace=False)
