"""Load and fault test: gunicorn and a throwaway PostgreSQL cluster on loopback, mixed traffic from
concurrent API clients, then proof that every acknowledged create exists exactly once.

Phase "load": DURATION seconds of dashboards, lists, creates (each with an Idempotency-Key and
the client's UUID in its notes, retried with the same key until answered), edits (If-Match),
ledger imports (a CSV of IMPORT_ROWS rows through the API, committed in the background, each row
carrying the import's own marker in its notes) and report builds (the highlights report's PDF
and Word file from the signed-in clients' pages), both run by a real Celery worker that this
script starts on Redis (databases 3 and 4, a queue of its own) and stops at the end.
Phase "fault": the same, with PostgreSQL restarted in the middle: errors may only happen inside
the outage, none after it, and nothing may be lost (CONN_HEALTH_CHECKS reconnects the workers;
a task cut by the restart is tried again by the worker).

After the traffic each phase waits (at most JOBS_WAIT seconds) for every import job and document
build to reach a final state, then checks: every acknowledged create stored once; every committed
import's rows stored exactly once (a failed one: none); no job or build left running ("stuck").

The cluster is made here with initdb (as the postgres user, port 5544, socket and data in a
temporary folder), torn down at the end, and never touches the shared server on 5432.

Usage: .venv/bin/python scripts/load_fault.py [--duration 120] [--clients 4] [--phases load,fault]
(`make load-test LOAD_ARGS="..."`). Prints the figures for docs/reliability.md and writes them to
test-artifacts/load-fault.json; exits non-zero when a check fails.
"""

import argparse
import contextlib
import csv
import io
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SETTLE = 2.0  # seconds after PostgreSQL accepts connections again that in-flight requests may still fail
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379").rstrip("/")
IMPORT_ROWS = 30  # rows of each imported ledger
JOBS_WAIT = 180  # seconds after the traffic for the jobs to end


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---- the throwaway PostgreSQL cluster -------------------------------------------------------------


class Cluster:
    def __init__(self, port: int):
        self.port = port
        self.home = Path(tempfile.mkdtemp(prefix="pgfault-"))
        self.data = self.home / "data"
        self.logfile = self.home / "postgres.log"
        shutil.chown(self.home, "postgres", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{port}/portal_load"

    def as_postgres(self, *args: str, check=True, timeout=120) -> subprocess.CompletedProcess:
        command = " ".join(f"'{a}'" for a in args)
        return subprocess.run(
            ["su", "postgres", "-s", "/bin/sh", "-c", command],
            cwd=self.home,
            check=check,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options, "-w", action, *extra
        )

    def create(self) -> None:
        self.as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.pg_ctl("start")
        self.as_postgres(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal_load"
        )

    def restart(self) -> tuple[float, float]:
        """Stop (fast: sessions are cut) and start again; the outage as (down, up) monotonic times."""
        down = time.monotonic()
        self.pg_ctl("restart", "-m", "fast")
        while self.as_postgres(
            str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), check=False
        ).returncode:
            time.sleep(0.05)
        return down, time.monotonic()

    def psql(self, sql: str) -> str:
        result = subprocess.run(
            ["psql", self.url, "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.home, ignore_errors=True)


# ---- the app ---------------------------------------------------------------------------------------


def app_env(cluster: Cluster, port: int, queue: str) -> dict:
    return os.environ | {
        # The Celery worker's broker and results (Redis databases 3 and 4, a queue of this run's own),
        # and the folders web processes and the worker share.
        "CELERY_BROKER_URL": f"{REDIS}/3",
        "CELERY_RESULT_BACKEND": f"{REDIS}/4",
        "CELERY_QUEUE": queue,
        "CELERY_CONCURRENCY": "2",
        "MEDIA_ROOT": str(cluster.home / "media"),
        "LEDGER_UPLOAD_DIR": str(cluster.home / "uploads"),
        "DATABASE_URL": cluster.url,
        "PORTAL_ENV": "production",
        "SECRET_KEY": "load-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",  # plain HTTP on loopback: the session cookie must come back
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "WEB_THREADS": os.environ.get("WEB_THREADS", "4"),
        "LOG_LEVEL": "warning",
        "REQUEST_LOG_LEVEL": "WARNING",
        "API_LOGIN_RATE": "1000/min",
    }


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs
    )


TOKENS_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from knox.models import AuthToken
users = ["staff_qk", "manager_qk", "manager_bbt", "analyst_wh"]
print(json.dumps({u: AuthToken.objects.create(user=get_user_model().objects.get(username=u))[1] for u in users}))
"""


def prepare(env: dict) -> dict[str, str]:
    log("migrating and loading the demo network into the throwaway database")
    manage(env, "migrate", "--noinput", "-v0", timeout=600)
    manage(env | {"PORTAL_DEMO": "1"}, "load_demo", timeout=900)
    manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
    return json.loads(manage(env, "shell", "-c", TOKENS_SCRIPT).stdout.strip().splitlines()[-1])


class Server:
    def __init__(self, env: dict, port: int, logfile: Path):
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(logfile, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "config.wsgi:application", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        for _ in range(120):
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


class Worker:
    """`celery -A background worker` on this run's queue, as `make worker` starts it."""

    def __init__(self, env: dict, queue: str, logfile: Path):
        self.queue, self.logfile = queue, logfile
        self.process = subprocess.Popen(
            [str(Path(PY).parent / "celery"), "-A", "background", "worker", "--queues", queue]
            + ["--without-gossip", "--without-mingle", "--loglevel", "info", "--hostname", f"{queue}@%h"],
            cwd=ROOT,
            env=env,
            stdout=logfile.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while " ready." not in logfile.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start:\n" + logfile.read_text()[-3000:])
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown: tasks in hand finish
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def forget_queue(queue: str) -> None:
    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(f"{REDIS}/3").delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


# ---- the clients -----------------------------------------------------------------------------------


@dataclass
class Call:
    kind: str
    started: float
    seconds: float
    status: int | None  # None: no answer (connection refused or reset, timeout)


@dataclass
class Ledger:
    """What the clients did and were told."""

    calls: list[Call] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # client UUID -> record id
    unanswered: set[str] = field(default_factory=set)  # creates never answered, even after retries
    refused: set[str] = field(default_factory=set)  # creates answered with a 4xx
    imports: dict[str, str] = field(default_factory=dict)  # marker -> job token (answered 202)
    imports_unanswered: set[str] = field(default_factory=set)  # marker: no answer (may have run)
    imports_busy: int = 0  # 429: the import caps (refused, nothing written)
    imports_refused: list[str] = field(default_factory=list)  # any other answer: a problem
    builds: dict[str, str] = field(default_factory=dict)  # build token -> kind
    builds_busy: int = 0  # 429: the build caps
    builds_refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)


LETTERS_FOR_DIGITS = str.maketrans("0123456789", "ghijklmnop")
CREATE_BODY = {
    "branch": "WH-QK-01",
    "occurred_on": "2025-12-10",  # a month the demo data leaves open (January to October 2025 are approved)
    "venue_type": "community",
    "theme": "anti_fraud",
    "attendees": 30,
    "place": "社区服务中心",
}
# {home}: the client's own node (outlet staff: WH-QK-01; the manager: WH-QK).
LISTS = [
    "/api/v1/outreach-events/?branch={home}&page_size=50",
    "/api/v1/home-visits/?date_from=2025-01-01&page_size=50",
    "/api/v1/interventions/?page_size=20",
    "/api/v1/honours/?branch={home}",
]
DASHBOARDS_API = ["/api/v1/metrics/?branch={home}&period=2025&by=month", "/api/v1/metrics/?branch={home}&period=2025Q3"]
HOMES = {"staff_qk": "WH-QK-01", "manager_qk": "WH-QK"}
# Clients that also use the pages (dashboards, report builds) signed in as a person.
LOGINS = {0: ("analyst_wh", "portal-demo"), 1: ("manager_qk", "portal-demo")}
# The outreach events ledger's columns (the template's Chinese headers).
IMPORT_HEADERS = ["机构", "日期", "场所类型", "地点", "主题", "受众人次", "共建关系", "备注"]


class Client(threading.Thread):
    def __init__(self, base: str, user: str, token: str, ledger: Ledger, until: float, seed: int, dashboard_login=None):
        super().__init__(daemon=True)
        self.base, self.ledger, self.until, self.home = base, ledger, until, HOMES[user]
        self.random = random.Random(seed)
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Token {token}"
        self.browser = requests.Session()
        self.dashboard_login = dashboard_login
        self.mine: list[int] = []  # records this client created (edited with If-Match)

    def timed(self, kind: str, method: str, path: str, session=None, **kwargs):
        started = time.monotonic()
        try:
            response = (session or self.api).request(method, self.base + path, timeout=15, **kwargs)
            status = response.status_code
        except requests.RequestException:
            response, status = None, None
        self.ledger.add(Call(kind, started, time.monotonic() - started, status))
        return response

    def run(self) -> None:
        if self.dashboard_login:
            self.log_in(*self.dashboard_login)
        while time.monotonic() < self.until:
            pick = self.random.random()
            if pick < 0.27:
                self.timed("list", "GET", self.random.choice(LISTS).format(home=self.home))
            elif pick < 0.45:
                self.dashboard()
            elif pick < 0.72:
                self.create()
            elif pick < 0.88:
                self.edit()
            elif pick < 0.95 or not self.dashboard_login:
                self.import_ledger()
            else:
                self.build()

    def import_ledger(self) -> None:
        """A CSV ledger of IMPORT_ROWS rows, committed in the background: 202 and a job to poll."""
        marker = uuid.uuid4().hex.translate(LETTERS_FOR_DIGITS)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(IMPORT_HEADERS)
        for i in range(IMPORT_ROWS):
            place = f"导入{marker}{chr(ord('a') + i % 26)}{chr(ord('a') + i // 26)}"
            writer.writerow(
                ["WH-QK-01", f"2025-12-{1 + i % 28:02d}", "社区", place, "反诈", 5 + i, "", f"imp:{marker}"]
            )
        files = {"file": (f"ledger-{marker}.csv", out.getvalue().encode("utf-8"), "text/csv")}
        path = "/api/v1/ledgers/outreach-events/import/?dry_run=0&background=1&allow_duplicates=1"
        response = self.timed("import", "POST", path, files=files)
        with self.ledger.lock:
            if response is None or response.status_code >= 500:
                self.ledger.imports_unanswered.add(marker)
            elif response.status_code == 202:
                self.ledger.imports[marker] = response.json()["id"]
            elif response.status_code == 429:
                self.ledger.imports_busy += 1
            else:
                self.ledger.imports_refused.append(f"{response.status_code} {response.text[:200]}")

    def build(self) -> None:
        """The highlights report's PDF or Word file, built by the worker from the report page."""
        kind = self.random.choice(["highlights-pdf", "highlights-docx"])
        token = self.browser.cookies.get("csrftoken", "")
        data = {"kind": kind, "code": "WH-QK", "period": "2025", "csrfmiddlewaretoken": token}
        response = self.timed(
            "build", "POST", "/reports/builds/", session=self.browser, data=data, allow_redirects=False
        )
        with self.ledger.lock:
            if response is not None and response.status_code == 302:
                self.ledger.builds[response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]] = kind
            elif response is not None and response.status_code == 429:
                self.ledger.builds_busy += 1
            elif response is not None and response.status_code < 500:
                self.ledger.builds_refused.append(f"{response.status_code} {response.text[:200]}")

    def log_in(self, username: str, password: str) -> None:
        self.browser.get(self.base + "/accounts/login/", timeout=15)
        token = self.browser.cookies.get("csrftoken", "")
        data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        self.browser.post(self.base + "/accounts/login/", data=data, timeout=15)

    def dashboard(self) -> None:
        if self.dashboard_login and self.random.random() < 0.5:
            self.timed("dashboard", "GET", "/dashboard/WH-QK/?period=2025", session=self.browser)
        else:
            self.timed("dashboard", "GET", self.random.choice(DASHBOARDS_API).format(home=self.home))

    def create(self) -> None:
        """One create, retried with the same key until the server answers it (or time is up)."""
        # Letters only: a run of digits in the notes could read as a mobile number (146-1771-4549)
        # and be refused by the privacy rules, as it should be.
        marker = uuid.uuid4().hex.translate(LETTERS_FOR_DIGITS)
        body = CREATE_BODY | {"notes": f"load:{marker}", "attendees": self.random.randint(1, 200)}
        headers = {"Idempotency-Key": marker}
        while time.monotonic() < self.until + 30:
            response = self.timed("create", "POST", "/api/v1/outreach-events/", json=body, headers=headers)
            if response is not None and response.status_code == 201:
                with self.ledger.lock:
                    self.ledger.acknowledged[marker] = response.json()["id"]
                self.mine.append(response.json()["id"])
                return
            if response is not None and response.status_code < 500:
                with self.ledger.lock:
                    self.ledger.refused.add(marker)  # a retry would not change the answer
                return
            time.sleep(0.2)
        with self.ledger.lock:
            self.ledger.unanswered.add(marker)

    def edit(self) -> None:
        if not self.mine:
            return self.create()
        pk = self.random.choice(self.mine)
        current = self.timed("edit", "GET", f"/api/v1/outreach-events/{pk}/")
        if current is None or current.status_code != 200:
            return None
        headers = {"If-Match": current.headers["ETag"]}
        self.timed(
            "edit",
            "PATCH",
            f"/api/v1/outreach-events/{pk}/",
            json={"attendees": self.random.randint(1, 300)},
            headers=headers,
        )
        return None


# ---- a phase ---------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def run_phase(name: str, server: Server, cluster: Cluster, tokens: dict, duration: int, clients: int, outage_at):
    log(
        f"phase {name}: {duration} s, {clients} clients"
        + (f", PostgreSQL restarted at {outage_at} s" if outage_at else "")
    )
    ledger = Ledger()
    start = time.monotonic()
    until = start + duration
    users = ["staff_qk", "manager_qk", "staff_qk", "manager_qk"]
    threads = [
        Client(
            server.base,
            users[i % len(users)],
            tokens[users[i % len(users)]],
            ledger,
            until,
            seed=i,
            dashboard_login=LOGINS.get(i),
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    outage = None
    if outage_at is not None:
        time.sleep(max(0.0, start + outage_at - time.monotonic()))
        log("restarting PostgreSQL")
        outage = cluster.restart()
        log(f"PostgreSQL answered again after {outage[1] - outage[0]:.2f} s")
    for thread in threads:
        thread.join(timeout=duration + 120)
    waited = wait_for_jobs(cluster)
    result = summarise(name, ledger, cluster, start, outage)
    result |= summarise_jobs(ledger, cluster, threads, waited)
    return result


RUNNING_JOBS = (
    "SELECT (SELECT count(*) FROM ledgers_importjob WHERE state IN ('checking', 'committing')),"
    " (SELECT count(*) FROM background_documentbuild WHERE state IN ('queued', 'building'))"
)


def wait_for_jobs(cluster: Cluster) -> float:
    """Seconds until no import job or document build is running (at most JOBS_WAIT)."""
    started = time.monotonic()
    while time.monotonic() - started < JOBS_WAIT:
        imports, builds = (int(n) for n in cluster.psql(RUNNING_JOBS).strip().split("\t"))
        if not imports and not builds:
            break
        time.sleep(1)
    waited = time.monotonic() - started
    log(f"import jobs and document builds ended {waited:.1f} s after the traffic")
    return waited


def summarise_jobs(ledger: Ledger, cluster: Cluster, clients: list, waited: float) -> dict:
    """Imports: each committed job's rows stored exactly once, a failed one's not at all; builds:
    each done one downloadable; none of either still running."""
    jobs = {}
    for line in cluster.psql("SELECT token, state, created_count FROM ledgers_importjob").splitlines():
        if line.strip():
            token, state, created = line.split("\t")
            jobs[token] = (state, int(created))
    rows = cluster.psql(
        "SELECT substr(notes, 5), count(*) FROM services_outreachevent WHERE notes LIKE 'imp:%' GROUP BY 1"
    )
    stored = {line.split("\t")[0]: int(line.split("\t")[1]) for line in rows.splitlines() if line.strip()}
    states = Counter(jobs.get(token, ("missing", 0))[0] for token in ledger.imports.values())
    wrong = []  # (marker, state, rows stored)
    for marker, token in ledger.imports.items():
        state, created = jobs.get(token, ("missing", 0))
        expected = IMPORT_ROWS if state == "committed" else 0
        if stored.get(marker, 0) != expected or (state == "committed" and created != IMPORT_ROWS):
            wrong.append((marker, state, stored.get(marker, 0)))
    for marker in ledger.imports_unanswered:  # no answer: all its rows or none
        if stored.get(marker, 0) not in (0, IMPORT_ROWS):
            wrong.append((marker, "unanswered", stored[marker]))
    builds = {}
    for line in cluster.psql("SELECT token, state, size FROM background_documentbuild").splitlines():
        if line.strip():
            token, state, size = line.split("\t")
            builds[token] = (state, int(size))
    build_states = Counter(builds.get(token, ("missing", 0))[0] for token in ledger.builds)
    bad_files = []
    sessions = [c.browser for c in clients if c.dashboard_login]
    for token, kind in ledger.builds.items():
        if builds.get(token, ("", 0))[0] != "done":
            continue
        answers = []
        for session in sessions:  # the one that built it may download it; the other gets 404
            try:
                answer = session.get(f"{clients[0].base}/reports/builds/{token}/file/", timeout=30)
            except requests.RequestException as error:
                answers.append(repr(error)[:100])
                continue
            answers.append(f"{answer.status_code} {answer.content[:8]!r} {len(answer.content)}/{builds[token][1]}")
            if answer.status_code == 200:
                magic = b"%PDF" if kind == "highlights-pdf" else b"PK"
                if not (answer.content.startswith(magic) and len(answer.content) == builds[token][1]):
                    bad_files.append(answers)
                break
        else:
            bad_files.append(answers)
    return {
        "imports_accepted": len(ledger.imports),
        "imports_committed": states.get("committed", 0),
        "imports_failed": states.get("failed", 0),
        "imports_refused_by_caps": ledger.imports_busy,
        "imports_refused_otherwise": len(ledger.imports_refused),
        "imports_unanswered": len(ledger.imports_unanswered),
        "import_rows_expected": states.get("committed", 0) * IMPORT_ROWS,
        "import_rows_stored": sum(stored.get(m, 0) for m in ledger.imports),
        "imports_lost_or_duplicated": len(wrong),
        "builds_started": len(ledger.builds),
        "builds_done": build_states.get("done", 0),
        "builds_failed": build_states.get("failed", 0),
        "builds_refused_by_caps": ledger.builds_busy,
        "builds_refused_otherwise": len(ledger.builds_refused),
        "build_files_bad": len(bad_files),
        "jobs_stuck": sum(n for s, n in states.items() if s not in ("committed", "failed", "checked"))
        + sum(n for s, n in build_states.items() if s not in ("done", "failed")),
        "jobs_ended_after_s": round(waited, 1),
        "examples": {
            "imports_refused": ledger.imports_refused[:3],
            "builds_refused": ledger.builds_refused[:3],
            "imports_wrong": wrong[:5],
            "build_files_bad": bad_files[:3],
        },
    }


def summarise(name: str, ledger: Ledger, cluster: Cluster, start: float, outage) -> dict:
    calls = ledger.calls
    errors = [c for c in calls if c.status is None or c.status >= 500]
    ok = [c.seconds for c in calls if c.status is not None and c.status < 500]
    by_kind = {}
    for kind in ("list", "dashboard", "create", "edit", "import", "build"):
        mine = [c for c in calls if c.kind == kind]
        by_kind[kind] = {
            "requests": len(mine),
            "errors": sum(1 for c in mine if c.status is None or c.status >= 500),
            "p50_ms": round(percentile([c.seconds for c in mine if c.status and c.status < 500], 50) * 1000, 1),
            "p95_ms": round(percentile([c.seconds for c in mine if c.status and c.status < 500], 95) * 1000, 1),
        }
    rows = cluster.psql(
        "SELECT substr(notes, 6), count(*) FROM services_outreachevent WHERE notes LIKE 'load:%' GROUP BY 1"
    )
    stored = {line.split("\t")[0]: int(line.split("\t")[1]) for line in rows.splitlines() if line.strip()}
    missing = [m for m in ledger.acknowledged if stored.get(m, 0) == 0]
    duplicated = [m for m, n in stored.items() if n > 1]
    result = {
        "phase": name,
        "seconds": round(max((c.started + c.seconds for c in calls), default=start) - start, 1),
        "requests": len(calls),
        "errors": len(errors),
        "status_4xx": sum(1 for c in calls if c.status and 400 <= c.status < 500),
        "answers_not_2xx": dict(Counter(f"{c.kind} {c.status}" for c in calls if not c.status or c.status >= 300)),
        "p50_ms": round(percentile(ok, 50) * 1000, 1),
        "p95_ms": round(percentile(ok, 95) * 1000, 1),
        "by_kind": by_kind,
        "creates_acknowledged": len(ledger.acknowledged),
        "creates_unanswered": len(ledger.unanswered),
        "creates_refused": len(ledger.refused),
        "edits_with_if_match": sum(1 for c in calls if c.kind == "edit" and c.status == 200) // 2,
        "acknowledged_missing": len(missing),
        "stored_more_than_once": len(duplicated),
    }
    if outage is not None:
        down, up = outage
        after = [c for c in errors if c.started > up + SETTLE]
        before = [c for c in errors if c.started + c.seconds < down]
        result |= {
            "outage_starts_at_s": round(down - start, 2),
            "outage_seconds": round(up - down, 2),
            "errors_before_outage": len(before),
            "errors_in_outage": len(errors) - len(after) - len(before),
            "errors_after_outage": len(after),
            "last_error_after_outage_end_s": round(max((c.started + c.seconds - up for c in errors), default=0.0), 2),
        }
    return result


def check(result: dict) -> list[str]:
    problems = []
    if not result["creates_acknowledged"] or result["creates_refused"] or result["creates_unanswered"]:
        problems.append(f"{result['phase']}: creates were refused or never answered")
    if result["acknowledged_missing"]:
        problems.append(f"{result['phase']}: {result['acknowledged_missing']} acknowledged creates are missing")
    if result["stored_more_than_once"]:
        problems.append(f"{result['phase']}: {result['stored_more_than_once']} creates are stored more than once")
    if not result["imports_accepted"] or not result["builds_started"]:
        problems.append(f"{result['phase']}: the mix ran no import or no report build")
    if result["imports_lost_or_duplicated"]:
        problems.append(f"{result['phase']}: {result['imports_lost_or_duplicated']} imports lost or duplicated rows")
    if result["jobs_stuck"]:
        problems.append(f"{result['phase']}: {result['jobs_stuck']} import jobs or builds never ended")
    if result["imports_refused_otherwise"] or result["builds_refused_otherwise"] or result["build_files_bad"]:
        problems.append(f"{result['phase']}: imports or builds refused, or built files wrong")
    if "outage_seconds" not in result and (result["imports_failed"] or result["builds_failed"]):
        problems.append(f"{result['phase']}: imports or builds failed without any fault")
    if "outage_seconds" in result:
        if result["errors_after_outage"] or result["errors_before_outage"]:
            problems.append(f"{result['phase']}: errors outside the outage window")
    elif result["errors"]:
        problems.append(f"{result['phase']}: {result['errors']} errors without any fault")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of traffic per phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--phases", default="load,fault")
    parser.add_argument("--pg-port", type=int, default=5544)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if args.pg_port == 5432:
        parser.error("5432 is the shared server: the fault test restarts its own cluster on another port")
    cluster, running, results = Cluster(args.pg_port), [], []
    queue = f"load-{uuid.uuid4().hex[:12]}"
    try:
        redis.Redis.from_url(f"{REDIS}/3").ping()
    except redis.RedisError as error:
        parser.error(f"the Celery worker needs Redis at {REDIS} (LOAD_REDIS): {error}")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)

    def tear_down() -> None:
        for process in running:
            process.stop()
        forget_queue(queue)
        for name in ("gunicorn", "worker"):
            if (cluster.home / f"{name}.log").exists():
                shutil.copy(cluster.home / f"{name}.log", ROOT / "test-artifacts" / f"load-fault-{name}.log")
        cluster.destroy()

    def give_up() -> None:
        log("time limit reached: stopping gunicorn, the worker and PostgreSQL")
        tear_down()
        os._exit(3)

    deadline = threading.Timer(2 * (args.duration + JOBS_WAIT) + 1800, give_up)  # bounded in time whatever happens
    deadline.daemon = True
    deadline.start()
    try:
        cluster.create()
        env = app_env(cluster, args.port, queue)
        tokens = prepare(env)
        running.append(Server(env, args.port, cluster.home / "gunicorn.log"))
        log(f"starting a Celery worker on {REDIS}/3, queue {queue}")
        running.append(Worker(env, queue, cluster.home / "worker.log"))
        for phase in args.phases.split(","):
            outage_at = args.duration / 3 if phase == "fault" else None
            results.append(run_phase(phase, running[0], cluster, tokens, args.duration, args.clients, outage_at))
    finally:
        deadline.cancel()
        tear_down()
    problems = [p for r in results for p in check(r)]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "load-fault.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print("LOAD AND FAULT TEST", "PASSED" if not problems else "FAILED: " + "; ".join(problems))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
