"""Production serving as `make serve` does it: gunicorn with gunicorn.conf.py and PORTAL_ENV=production
settings on this run's test database; /healthz, JSON request logs, graceful shutdown on SIGTERM."""

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.production.processes import BASE_DIR, VENV_BIN, free_port, production_env, test_database_url, write_settings

pytestmark = pytest.mark.usefixtures("django_db_setup")

GRACEFUL_TIMEOUT = 10
# Test-only: the portal's URLs plus one that takes its time, to have a request in flight.
SLOW_URLS = """
import os, time
from django.http import HttpResponse
from django.urls import include, path

def slow(request):
    open(os.environ["SLOW_STARTED"], "w").close()
    time.sleep(float(request.GET.get("seconds", "3")))
    return HttpResponse("finished")

urlpatterns = [path("slow", slow), path("", include("config.urls"))]
"""


class Server:
    def __init__(self, workdir, **env_extra):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "gunicorn.log"
        self.slow_started = workdir / "slow-started"
        (workdir / "serving_test_urls.py").write_text(SLOW_URLS)
        write_settings(workdir, static_root=workdir / "static", urlconf="serving_test_urls")
        self.env = production_env(
            workdir,
            database_url=test_database_url(),
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="1",
            WEB_GRACEFUL_TIMEOUT=str(GRACEFUL_TIMEOUT),
            SLOW_STARTED=str(self.slow_started),
            # gunicorn's control socket goes there: one per server, so parallel tests do not share one.
            XDG_RUNTIME_DIR=str(workdir),
            **env_extra,
        )
        self.process = None

    def start(self):
        command = [str(VENV_BIN / "gunicorn"), "config.wsgi:application", "-c", "gunicorn.conf.py"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 25
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # it answers (a 503 is for the test to judge)
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within 25 s:\n{self.log()}")

    def get(self, path, headers=None, timeout=10):
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def json_lines(self) -> list[dict]:
        lines = []
        for line in self.log().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # gunicorn's own start and stop lines
            if isinstance(entry, dict):
                lines.append(entry)
        return lines

    def stop(self):
        """Stop the master and its workers, so that none keeps a connection to the test database."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=GRACEFUL_TIMEOUT + 5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # any worker left behind (own session)
        self.process.wait(timeout=5)


@pytest.fixture
def serve(tmp_path):
    servers = []

    def start(**env_extra):
        server = Server(tmp_path, **env_extra)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def test_healthz_answers_with_database_and_cache_and_each_request_logs_one_json_line(serve):
    server = serve()
    request_id = "probe-" + uuid.uuid4().hex
    status, headers, body = server.get("/healthz", {"X-Request-ID": request_id})
    assert status == 200
    answer = json.loads(body)
    assert {k: answer[k] for k in ("status", "database", "cache")} == {"status": "ok", "database": True, "cache": True}
    assert answer["verify"]["ok"] is None and answer["verify"]["stale"] is True  # no nightly check ran yet
    assert headers["X-Request-ID"] == request_id
    assert "no-cache" in headers["Cache-Control"]

    deadline = time.monotonic() + 5
    while not (logged := [e for e in server.json_lines() if e.get("request_id") == request_id]):
        assert time.monotonic() < deadline, f"no JSON line with the request id:\n{server.log()}"
        time.sleep(0.1)
    (entry,) = logged
    assert entry["logger"] == "portal.request" and entry["level"] == "INFO"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", 200)
    assert isinstance(entry["duration_ms"], int | float) and entry["time"]


def test_healthz_reports_the_redis_cache_of_redis_url(serve):
    """With REDIS_URL the cache is Redis: here one that is down, and /healthz says so (503)."""
    server = serve(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    status, _headers, body = server.get("/healthz")
    assert status == 503
    answer = json.loads(body)
    assert {k: answer[k] for k in ("status", "database", "cache")} == {
        "status": "unavailable",
        "database": True,
        "cache": False,
    }


def test_sigterm_lets_the_request_in_flight_finish_then_gunicorn_exits(serve):
    server = serve(BEHIND_TLS_PROXY="1")  # as behind the load balancer that ends TLS
    answer = {}

    def slow_request():
        try:
            answer["status"], _headers, answer["body"] = server.get(
                "/slow?seconds=3", {"X-Forwarded-Proto": "https"}, timeout=GRACEFUL_TIMEOUT + 10
            )
        except OSError as error:
            answer["error"] = repr(error)

    client = threading.Thread(target=slow_request)
    client.start()
    deadline = time.monotonic() + 10
    while not server.slow_started.exists():
        assert time.monotonic() < deadline, f"the slow request never started:\n{server.log()}"
        time.sleep(0.05)

    stopped_at = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    client.join(timeout=GRACEFUL_TIMEOUT + 10)
    returncode = server.process.wait(timeout=GRACEFUL_TIMEOUT + 5)
    took = time.monotonic() - stopped_at

    assert answer == {"status": 200, "body": b"finished"}, server.log()
    assert returncode == 0, server.log()
    assert 2 < took < GRACEFUL_TIMEOUT, f"exited after {took:.1f} s"  # waited for the request, not for the timeout
    assert "Shutting down: Master" in server.log()
