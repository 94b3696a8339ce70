"""Run the portal the way production does, in subprocesses: PORTAL_ENV=production settings,
collectstatic into a temporary STATIC_ROOT, gunicorn with gunicorn.conf.py.

A small settings module in a temporary directory imports config.settings unchanged and only
points STATIC_ROOT (and, for the serving tests, ROOT_URLCONF) somewhere else.
"""

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
SETTINGS_MODULE = "production_test_settings"
# Variables of the developer's shell that would change what production settings mean.
UNSET = ("DEBUG", "LOG_FORMAT", "LOG_LEVEL", "REQUEST_LOG_LEVEL", "REDIS_URL", "PORTAL_DEMO", "SECURE_SSL_REDIRECT")


def write_settings(workdir: Path, *, static_root: Path, urlconf: str | None = None) -> None:
    lines = [
        "from config.settings import *  # noqa: F403",
        f"STATIC_ROOT = {str(static_root)!r}",
    ]
    if urlconf:
        lines.append(f"ROOT_URLCONF = {urlconf!r}")
    (workdir / f"{SETTINGS_MODULE}.py").write_text("\n".join(lines) + "\n")


def production_env(workdir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        PYTHONPATH=os.pathsep.join([str(workdir), str(BASE_DIR)]),
        MEDIA_ROOT=str(workdir / "media"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def test_database_url() -> str:
    """The URL of the database this test run created (PostgreSQL or the SQLite file)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def manage(env: dict[str, str], *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
