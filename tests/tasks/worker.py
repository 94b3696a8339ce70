"""A real Celery worker in a subprocess, on Redis, against this test run's database.

Each worker listens on a queue of its own (tests in parallel processes share the Redis server
without taking each other's tasks); this process sends its tasks to that queue. Redis is
TASKS_TEST_REDIS (redis://127.0.0.1:6379 by default; .ci/run starts it), databases 3 (broker)
and 4 (results)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from background.celery import app
from tests.production.processes import BASE_DIR, test_database_url

VENV_BIN = Path(sys.executable).parent
REDIS = os.environ.get("TASKS_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
BROKER_URL = f"{REDIS}/3"
RESULT_BACKEND = f"{REDIS}/4"
# A message whose worker vanished goes to another worker after this long (production: an hour).
VISIBILITY_TIMEOUT = 5


class Worker:
    def __init__(self, workdir: Path, queue: str, env_extra: dict[str, str]):
        self.workdir, self.queue = workdir, queue
        self.env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PORTAL_ENV", "DEBUG")}
        self.env.update(
            DATABASE_URL=test_database_url(),
            CELERY_BROKER_URL=BROKER_URL,
            CELERY_RESULT_BACKEND=RESULT_BACKEND,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            PYTHONUNBUFFERED="1",
            **env_extra,
        )
        self.process: subprocess.Popen | None = None
        self.logs: list[Path] = []

    def start(self) -> "Worker":
        log = self.workdir / f"worker-{len(self.logs)}.log"
        self.logs.append(log)
        command = [
            str(VENV_BIN / "celery"),
            "-A",
            "background",
            "worker",
            "--queues",
            self.queue,
            "--concurrency",
            "1",
            "--pool",
            "prefork",
            "--hostname",
            f"{self.queue}-{len(self.logs)}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "info",
        ]
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text():
            assert self.process.poll() is None, f"the worker exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{self.log()}"
            time.sleep(0.2)
        return self

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill_child(self) -> int:
        """SIGKILL the pool process running the task, as the OOM killer would."""
        (child,) = self.children()
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self) -> None:
        """SIGKILL the whole worker: its machine is gone."""
        children = self.children()
        self.process.kill()
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return "\n".join(path.read_text() for path in self.logs)


def use_queue(queue: str) -> None:
    """Send this process's tasks to `queue` on the test Redis instead of running them here."""
    app.conf.update(
        task_always_eager=False,
        broker_url=BROKER_URL,
        result_backend=RESULT_BACKEND,
        task_default_queue=queue,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    )
    _forget_connections()


def run_here() -> None:
    app.conf.update(task_always_eager=True)
    _forget_connections()


def _forget_connections() -> None:
    app._pool = None  # kombu's registry keeps the pool of each URL open: only forget ours
    app.amqp._producer_pool = None


def new_queue() -> str:
    return f"tests-{uuid.uuid4().hex[:12]}"
