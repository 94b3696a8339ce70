"""Load and fault test: gunicorn and a throwaway PostgreSQL cluster on loopback, mixed traffic from
concurrent API clients, then proof that every acknowledged create exists exactly once.

Phase "load": DURATION seconds of dashboards, lists, creates (each with an Idempotency-Key and
the client's UUID in its notes, retried with the same key until answered) and edits (If-Match).
Phase "fault": the same, with PostgreSQL restarted in the middle: errors may only happen inside
the outage, none after it, and nothing may be lost (CONN_HEALTH_CHECKS reconnects the workers).

The cluster is made here with initdb (as the postgres user, port 5544, socket and data in a
temporary folder), torn down at the end, and never touches the shared server on 5432.

Usage: .venv/bin/python scripts/load_fault.py [--duration 120] [--clients 4] [--phases load,fault]
(`make load-test LOAD_ARGS="..."`). Prints the figures for docs/reliability.md and writes them to
test-artifacts/load-fault.json; exits non-zero when a check fails.
"""

import argparse
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

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SETTLE = 2.0  # seconds after PostgreSQL accepts connections again that in-flight requests may still fail


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


def app_env(cluster: Cluster, port: int) -> dict:
    return os.environ | {
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
            if pick < 0.30:
                self.timed("list", "GET", self.random.choice(LISTS).format(home=self.home))
            elif pick < 0.50:
                self.dashboard()
            elif pick < 0.80:
                self.create()
            else:
                self.edit()

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
            dashboard_login=("analyst_wh", "portal-demo") if i == 0 else None,
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
    return summarise(name, ledger, cluster, start, outage)


def summarise(name: str, ledger: Ledger, cluster: Cluster, start: float, outage) -> dict:
    calls = ledger.calls
    errors = [c for c in calls if c.status is None or c.status >= 500]
    ok = [c.seconds for c in calls if c.status is not None and c.status < 500]
    by_kind = {}
    for kind in ("list", "dashboard", "create", "edit"):
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
    (ROOT / "test-artifacts").mkdir(exist_ok=True)

    def tear_down() -> None:
        for server in running:
            server.stop()
        if (cluster.home / "gunicorn.log").exists():
            shutil.copy(cluster.home / "gunicorn.log", ROOT / "test-artifacts" / "load-fault-gunicorn.log")
        cluster.destroy()

    def give_up() -> None:
        log("time limit reached: stopping gunicorn and PostgreSQL")
        tear_down()
        os._exit(3)

    deadline = threading.Timer(2 * args.duration + 1800, give_up)  # bounded in time whatever happens
    deadline.daemon = True
    deadline.start()
    try:
        cluster.create()
        env = app_env(cluster, args.port)
        tokens = prepare(env)
        running.append(Server(env, args.port, cluster.home / "gunicorn.log"))
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
