"""Production refuses to start without a real SECRET_KEY and ALLOWED_HOSTS."""

import os
import subprocess
import sys

import pytest

CHECK = [
    sys.executable,
    "-c",
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
]


def run(env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "PORTAL_ENV"}}
    return subprocess.run(CHECK, env=base | env, capture_output=True, text=True)


@pytest.mark.parametrize(
    "env, complaint",
    [
        ({"PORTAL_ENV": "production", "ALLOWED_HOSTS": "portal.bank"}, "SECRET_KEY"),
        ({"PORTAL_ENV": "production", "SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
        ({"PORTAL_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_unsafe_settings(env, complaint):
    result = run(env)
    assert result.returncode != 0 and complaint in result.stderr


def test_production_starts_with_real_settings():
    result = run({"PORTAL_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "portal.bank"})
    assert result.returncode == 0, result.stderr


def test_uploaded_ledgers_go_where_ledger_upload_dir_says(tmp_path):
    script = CHECK[2] + "; from ledgers.jobs import upload_dir; print(upload_dir())"
    base = {k: v for k, v in os.environ.items() if k != "LEDGER_UPLOAD_DIR"}
    shared = tmp_path / "shared" / "ledgers"
    result = subprocess.run(
        [sys.executable, "-c", script], env=base | {"LEDGER_UPLOAD_DIR": str(shared)}, capture_output=True, text=True
    )
    assert result.stdout.strip() == str(shared) and shared.is_dir(), result.stderr
