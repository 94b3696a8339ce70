"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Every page a journey opens is watched: a request to any host other than the live server, a
console error (the browser reports each Content-Security-Policy violation as one) or an
uncaught script error fails the test. On failure each open page leaves a screenshot and its
HTML under test-artifacts/e2e/, and the failure report prints where they are.
"""

import io
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from branches.models import Branch, Membership, Role
from demo.network import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
STATION_USER = "station_hy"  # outlet staff of the love station WH-HY-01 (the demo has none)
TIMEOUT_MS = 15_000  # generous: CI machines are shared
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item; on a failure, save what every open page shows."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    journey = item.funcargs.get("browse") if hasattr(item, "funcargs") else None
    if report.failed and report.when == "call" and journey is not None:
        saved = journey.save_artifacts(item.nodeid)
        if saved:
            report.sections.append(("e2e artifacts", "\n".join(f"saved {p}" for p in saved)))
            print("\n".join(f"\ne2e failure artifact: {p}" for p in saved))
    return report


@pytest.fixture(scope="session")
def playwright_session():
    # Playwright's sync API runs an event loop in this thread, so Django takes the journeys'
    # own ORM calls (loading the demo, checking what was saved) for calls from async code.
    # They are plain synchronous calls: allow them, for the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        yield playwright
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def chromium(playwright_session):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # what is there after the run is this run's
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def site(live_server):
    """The live server holding the demo network, its users and records, and a love-station clerk.

    live_server makes the test transactional: the database is emptied after each journey,
    so each one starts from the same demo data whatever ran before.
    """
    with override_settings(PORTAL_DEMO=True):
        call_command("load_demo", stdout=io.StringIO())
    clerk = get_user_model().objects.create_user(STATION_USER, password=DEMO_PASSWORD, first_name="周婷")
    Membership.objects.create(user=clerk, branch=Branch.objects.get(code="WH-HY-01"), role=Role.OUTLET_STAFF)
    return live_server.url


@dataclass
class Watched:
    """A page and what it did that a journey must never do."""

    page: object
    label: str
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


class Journey:
    """Opens logged-in browser pages on the live server and watches each of them."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.watched: list[Watched] = []
        self.contexts = []

    def new_page(self, label: str, **context_options):
        options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "base_url": self.base_url}
        options.update(context_options)
        context = self.browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        watched = Watched(page, label)
        self.watched.append(watched)
        page.on("request", lambda request: self._check_host(watched, request.url))
        page.on("console", lambda message: self._check_console(watched, message))
        page.on("pageerror", lambda error: watched.console_errors.append(f"uncaught: {error}"))
        return page

    def _check_host(self, watched: Watched, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != self.origin:
            watched.foreign_requests.append(url)

    @staticmethod
    def _check_console(watched: Watched, message) -> None:
        if message.type == "error":
            location = message.location or {}
            watched.console_errors.append(f"{message.text} ({location.get('url', '')})")

    def login(self, username: str, password: str = DEMO_PASSWORD, **context_options):
        """A new browser (own cookies) in which `username` signs in through the login form."""
        page = self.new_page(username, **context_options)
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert urlsplit(page.url).path == "/", f"{username} was not logged in: still at {page.url}"
        return page

    def problems(self) -> list[str]:
        found = []
        for w in self.watched:
            found += [f"[{w.label}] request to another host: {url}" for url in w.foreign_requests]
            found += [f"[{w.label}] console error: {text}" for text in w.console_errors]
        return found

    def save_artifacts(self, nodeid: str) -> list[Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::")[-1])
        saved = []
        for index, w in enumerate(self.watched):
            if w.page.is_closed():
                continue
            base = ARTIFACTS / f"{stem}-{index}-{w.label}"
            try:
                w.page.screenshot(path=str(base.with_suffix(".png")), full_page=True)
                saved.append(base.with_suffix(".png"))
                base.with_suffix(".html").write_text(w.page.content(), encoding="utf-8")
                saved.append(base.with_suffix(".html"))
            except Exception as exc:  # a crashed page must not hide the test's own failure
                print(f"could not save {base}: {exc}")
        return saved

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(request, chromium, site):
    """Open pages with browse.login(username); fails the journey if any page went off-host or logged an error."""
    journey = Journey(chromium, site)
    yield journey
    problems = journey.problems()
    call_report = getattr(request.node, "report_call", None)
    if problems and call_report is not None and call_report.passed:
        saved = journey.save_artifacts(request.node.nodeid)
        journey.close()
        pytest.fail("\n".join(problems + [f"saved {p}" for p in saved]))
    journey.close()


@pytest.fixture
def photo_file(tmp_path) -> Path:
    """A small JPEG as a phone camera would give it."""
    path = tmp_path / "visit.jpg"
    Image.new("RGB", (320, 240), (200, 120, 40)).save(path, "JPEG", quality=85)
    return path
