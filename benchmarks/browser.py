"""Browser benchmark (issue 19, goal 7): the head-office dashboard fully drawn in Chromium under
production serving in < 1 s p50, with <= 400 KB of compressed JS and CSS.

Production serving as `make serve` does it: PORTAL_ENV=production settings, collectstatic (into
a temporary STATIC_ROOT; whitenoise serves the hashed, gzipped copies), gunicorn with the
project's gunicorn.conf.py on a loopback port. Playwright drives Debian's Chromium
(/usr/bin/chromium, or CHROMIUM_PATH) as a branch manager of the network's root:

- cold: each load in a new browser context (an empty HTTP cache, the session cookie only, a new
  renderer process), straight to the dashboard: the worst case, the one held to the goal;
- first visit: in a new context, the home page first (where signing in lands), then the
  dashboard: its ECharts bundle and own files come from the server, the shared Bootstrap and
  htmx from the cache, as on a user's first visit of the dashboard after a release;
- warm: the same page opened again (scripts and styles from the cache, as every later visit:
  they are served immutable).

A load counts as drawn when static/portal/dashboard.js has seen ECharts' "finished" event of
every chart on the page (its performance mark "charts-drawn", from the start of the navigation).
The bytes are those Chromium received for the page's scripts and stylesheets (the response
bodies as transferred, gzip as served), cross-checked against the served files.

    .venv/bin/python benchmarks/browser.py                 # the demo network in a throw-away SQLite file
    .venv/bin/python benchmarks/browser.py --database URL --root SYN --period 2025
    make bench                                             # part "browser" of the full bench (--skip browser)

Exits non-zero when a goal is not met, a load logs a console error or draws no chart.
"""

import argparse
import gzip
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHROMIUM_ARGS += ["--disable-component-update", "--disable-sync", "--no-first-run"]
USERNAME = "bench-browser-root"
GOAL_SECONDS = 1.0
GOAL_BYTES = 400 * 1024
SETTINGS_MODULE = "bench_browser_settings"
# Variables of the developer's shell that would change what production settings mean.
UNSET = ("DEBUG", "LOG_FORMAT", "PORTAL_DEMO", "DJANGO_SETTINGS_MODULE")

USER_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from branches.models import Branch, Membership, Role
code = {root!r}
root = Branch.objects.get(code=code) if code else Branch.objects.filter(parent=None).order_by("path").first()
user, _created = get_user_model().objects.get_or_create(username={username!r})
user.set_password({password!r})
user.save()
Membership.objects.get_or_create(user=user, branch=root, role=Role.BRANCH_MANAGER)
print(json.dumps({{"root": root.code}}))
"""


@dataclass
class Load:
    seconds: float  # navigation start to every chart drawn
    charts: int
    html_seconds: float  # navigation start to the last byte of the page's HTML
    phases: dict = field(default_factory=dict)  # navigation start to: assets received, DOMContentLoaded start/end
    assets: dict = field(default_factory=dict)  # url -> (resource type, bytes received, content-encoding)


@dataclass
class Result:
    root: str
    url: str
    cold: list[Load]
    warm: list[Load]
    first: list[Load]
    served: dict  # url -> (plain bytes, gzip bytes of the served file)
    console_errors: list[str]
    load: tuple = ()  # the machine's 1-minute load average before and after the loads

    @property
    def charts(self) -> int:
        return min(load.charts for load in self.cold + self.warm + self.first)

    @property
    def transferred(self) -> int:
        """Compressed JS and CSS of one cold load (the first; every cold load receives the same)."""
        return sum(size for kind, size, _enc in self.cold[0].assets.values() if kind in ("script", "stylesheet"))

    @property
    def plain(self) -> int:
        return sum(self.served[url][0] for url in self.cold[0].assets if url in self.served)

    @property
    def gzip_level9(self) -> int:
        return sum(self.served[url][1] for url in self.cold[0].assets if url in self.served)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def p50(loads: list[Load]) -> float:
    return statistics.median(load.seconds for load in loads)


def p95(loads: list[Load]) -> float:
    return percentile([load.seconds for load in loads], 0.95)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[browser] {message}", file=sys.stderr, flush=True)


class Production:
    """collectstatic and gunicorn under PORTAL_ENV=production, on `database`, in a temporary folder."""

    def __init__(self, database: str | None, workdir: Path, redis: str | None = None):
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        static_root = workdir / "static"
        (workdir / f"{SETTINGS_MODULE}.py").write_text(
            f"from config.settings import *  # noqa: F403\nSTATIC_ROOT = {str(static_root)!r}\n"
        )
        self.static_root = static_root
        self.env = {k: v for k, v in os.environ.items() if k not in UNSET} | {
            "PORTAL_ENV": "production",
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",  # plain HTTP on loopback: the session cookie must come back
            "DATABASE_URL": database or f"sqlite:///{workdir / 'demo.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
            "LOG_LEVEL": "warning",
            "REQUEST_LOG_LEVEL": "WARNING",
        }
        self.env.pop("REDIS_URL", None)
        if redis:  # as in production (docs/deploy.md): the shared cache, which turns on the dashboards' cache
            self.env["REDIS_URL"] = redis
        self.process = None

    def manage(self, *args: str, env: dict | None = None, timeout: float = 900) -> str:
        result = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def load_demo(self) -> None:
        log("migrating a throw-away SQLite database and loading the demo network")
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_demo", env=self.env | {"PORTAL_DEMO": "1"})

    def user(self, root: str | None, password: str) -> str:
        script = USER_SCRIPT.format(root=root or "", username=USERNAME, password=password)
        return json.loads(self.manage("shell", "-c", script).strip().splitlines()[-1])["root"]

    def collectstatic(self) -> None:
        log("collectstatic (production storage: hashed names, gzip copies)")
        self.manage("collectstatic", "--noinput", "-v0", timeout=600)

    def start(self) -> None:
        log(f"gunicorn on {self.base}")
        self.logfile = (self.workdir / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "config.wsgi:application", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz:\n" + (self.workdir / "gunicorn.log").read_text()[-3000:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self.process:
            self.logfile.close()

    def served_sizes(self, urls) -> dict:
        """Each static file as collectstatic wrote it: plain bytes and gzip -9 bytes."""
        sizes = {}
        for url in urls:
            path = self.static_root / urlsplit(url).path.removeprefix("/static/")
            if path.is_file():
                content = path.read_bytes()
                sizes[url] = (len(content), len(gzip.compress(content, 9)))
        return sizes


DRAWN = "() => document.documentElement.dataset.chartsDrawn"
TIMES = r"""() => {
  const mark = performance.getEntriesByName("charts-drawn")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  const scripts = performance.getEntriesByType("resource").filter((e) => /\.(js|css)$/.test(e.name));
  return {drawn: mark ? mark.startTime : null, html: nav ? nav.responseEnd : null,
          assets: scripts.length ? Math.max(...scripts.map((e) => e.responseEnd)) : null,
          dcl_start: nav ? nav.domContentLoadedEventStart : null, dcl_end: nav ? nav.domContentLoadedEventEnd : null,
          charts: document.querySelectorAll(".chart canvas").length,
          state: document.documentElement.dataset.chartsDrawn};
}"""


def _load(page, url: str, errors: list[str]) -> Load:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    assets = {}

    def on_response(response):
        if response.request.resource_type in ("script", "stylesheet"):
            assets[response.url] = response

    page.on("response", on_response)
    page.goto(url, wait_until="load")
    try:
        page.wait_for_function(DRAWN, timeout=30_000)
    except PlaywrightTimeoutError:
        raise SystemExit(f"{url}: the charts were not drawn within 30 s; console: {errors}") from None
    times = page.evaluate(TIMES)
    page.remove_listener("response", on_response)
    if times["state"] in ("unavailable", "0") or not times["drawn"]:
        errors.append(f"{url}: no chart drawn ({times['state']})")
    received = {}
    for asset_url, response in assets.items():
        sizes = response.request.sizes()
        received[asset_url] = (
            response.request.resource_type,
            sizes["responseBodySize"],
            response.headers.get("content-encoding", ""),
        )
    phases = {key: (times[key] or 0) / 1000 for key in ("assets", "dcl_start", "dcl_end")}
    return Load((times["drawn"] or 0) / 1000, times["charts"], (times["html"] or 0) / 1000, phases, received)


def measure(
    database: str | None = None,
    root: str | None = None,
    period: str | None = None,
    runs: int = 20,
    warmup: int = 2,
    redis: str | None = None,
) -> Result:
    """Serve the portal under production settings and load the root's dashboard `runs` times of each kind.

    Without `database`, a throw-away SQLite file with the demo network; with it, a migrated
    database holding the network whose root is `root` (the bench's generated one)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)")
    workdir = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    server = Production(database, workdir, redis)
    try:
        if database is None:
            server.load_demo()
        password = secrets.token_urlsafe(16)
        root = server.user(root, password)
        server.collectstatic()
        server.start()
        url = f"{server.base}/dashboard/{root}/" + (f"?period={period}" if period else "")
        errors: list[str] = []
        cold, warm, first_visits = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            login = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
            page = login.new_page()
            page.goto(server.base + "/accounts/login/")
            page.fill("#id_username", USERNAME)
            page.fill("#id_password", password)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            if urlsplit(page.url).path != "/":
                raise SystemExit(f"{USERNAME} could not log in: at {page.url}")
            state = login.storage_state()
            login.close()

            def new_context():
                context = browser.new_context(
                    storage_state=state,
                    locale="zh-CN",
                    timezone_id="Asia/Shanghai",
                    viewport={"width": 1440, "height": 900},
                )
                context.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
                context.on("weberror", lambda e: errors.append(f"uncaught: {e.error}"))
                return context

            log(f"loading {url} {warmup} + {runs} times each: cold, warm, first visit")
            load_before = os.getloadavg()[0]
            for index in range(warmup + runs):
                context = new_context()
                page = context.new_page()
                first = _load(page, url, errors)
                second = _load(page, url, errors)
                context.close()
                context = new_context()
                page = context.new_page()
                page.goto(server.base + "/", wait_until="load")
                visit = _load(page, url, errors)
                context.close()
                if index >= warmup:
                    cold.append(first)
                    warm.append(second)
                    first_visits.append(visit)
            browser.close()
        served = server.served_sizes(cold[0].assets)
        return Result(root, url, cold, warm, first_visits, served, errors, (load_before, os.getloadavg()[0]))
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def figures(result: Result) -> list:
    """The figures of benchmarks/report.py's table (the full bench's part "browser")."""
    from benchmarks.report import Figure, ms

    cold, warm = result.cold, result.warm
    kb = result.transferred / 1024
    return [
        Figure(
            f"Head-office dashboard ({result.root}) drawn in Chromium, production serving: all {result.charts} "
            f"charts finished, new browser (empty cache), p50 / p95 of {len(cold)}",
            f"{ms(p50(cold))} / {ms(p95(cold))}",
            "p50 < 1 s",
            f"HTML received at {ms(statistics.median(load.html_seconds for load in cold))} (p50)",
            p50(cold) < GOAL_SECONDS,
        ),
        Figure(
            "(for comparison) the same, the first visit after signing in (the home page first: Bootstrap and htmx "
            "cached, ECharts not): p50 / p95",
            f"{ms(p50(result.first))} / {ms(p95(result.first))}",
        ),
        Figure(
            "(for comparison) the same, opened again (scripts and styles from the browser cache): p50 / p95",
            f"{ms(p50(warm))} / {ms(p95(warm))}",
        ),
        Figure(
            f"JS + CSS the dashboard loads ({len(result.cold[0].assets)} files), compressed as served",
            f"{kb:.0f} KB",
            "≤ 400 KB",
            f"{result.plain / 1024:.0f} KB uncompressed",
            result.transferred <= GOAL_BYTES,
        ),
    ]


def phases(loads: list[Load]) -> str:
    """Where the time of a load goes (medians, from the start of the navigation)."""
    median = {key: statistics.median(load.phases[key] for load in loads) for key in ("assets", "dcl_start", "dcl_end")}
    html = statistics.median(load.html_seconds for load in loads)
    drawn = statistics.median(load.seconds for load in loads)
    return (
        f"HTML received {html * 1000:.0f} ms, last script or stylesheet received {median['assets'] * 1000:.0f} ms, "
        f"scripts run by {median['dcl_start'] * 1000:.0f} ms, charts set up (DOMContentLoaded) by "
        f"{median['dcl_end'] * 1000:.0f} ms, drawn {drawn * 1000:.0f} ms"
    )


def report(result: Result) -> str:
    lines = [
        f"Load average (1 min) of the machine ({os.cpu_count()} CPUs) before / after the loads: "
        f"{result.load[0]:.1f} / {result.load[1]:.1f}.",
        f"Medians, new browser: {phases(result.cold)}.",
        f"Medians, first visit after signing in: {phases(result.first)}.",
        f"Medians, opened again: {phases(result.warm)}.",
        "",
    ]
    lines += [
        f"Dashboard: {result.url}",
        "",
        "| file | type | received | encoding | plain | gzip -9 |",
        "|---|---|---:|---|---:|---:|",
    ]
    for url, (kind, size, encoding) in sorted(result.cold[0].assets.items(), key=lambda item: -item[1][1]):
        plain, packed = result.served.get(url, (0, 0))
        name = urlsplit(url).path.removeprefix("/static/")
        lines.append(f"| {name} | {kind} | {size:,} | {encoding or '—'} | {plain:,} | {packed:,} |")
    lines.append(f"| total | | {result.transferred:,} | | {result.plain:,} | {result.gzip_level9:,} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a migrated database with the network (default: the demo in SQLite)")
    parser.add_argument("--root", help="the root's code (default: the first root of the database)")
    parser.add_argument("--period", help="the dashboard's period (default: the page's own)")
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL"),
        help="the cache's Redis URL, as in production (default: $REDIS_URL; none: the dashboards' cache is off)",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed loads of each kind (after 2 warm-up ones)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from benchmarks.report import table

    result = measure(args.database, args.root, args.period, args.runs, redis=args.redis)
    found = figures(result)
    print(table(found))
    print()
    print(report(result))
    for error in result.console_errors:
        print(f"ERROR {error}")
    return 0 if all(f.met for f in found if f.met is not None) and not result.console_errors else 1


if __name__ == "__main__":
    sys.exit(main())
