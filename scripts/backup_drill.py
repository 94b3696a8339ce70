"""Backup drill: pg_dump the portal's database, restore it into a new database, prove the copy is
whole (row counts and content checksums of every table equal) and that the app serves from it.

Usage: DATABASE_URL=postgres://root@127.0.0.1:5432/portal_drill .venv/bin/python scripts/backup_drill.py
(`make backup-drill` prepares such a database with the demo data first.) Prints the figures for
docs/reliability.md and exits non-zero when anything differs.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path="/" + name))


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    tables = psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").split()
    out = {}
    for table in tables:
        row = psql(
            url,
            f"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM \"{table}\" t",
        )
        count, digest = row.split("|")
        out[table] = (int(count), digest)
    return out


def serve_and_probe(url: str, port: int = 8765) -> dict:
    env = os.environ | {
        "DATABASE_URL": url,
        "PORTAL_ENV": "production",
        "SECRET_KEY": "drill-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "warning",
    }
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "config.wsgi:application", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env
    )
    try:
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                    return {"status": response.status, "body": response.read().decode()}
            except OSError:
                time.sleep(0.5)
        return {"status": None, "body": "no answer"}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    source = os.environ.get("DATABASE_URL", "")
    if not source.startswith("postgres"):
        print("DATABASE_URL must point at the PostgreSQL database to back up.")
        return 2
    restored_name = f"portal_restore_{int(time.time())}"
    restored = with_db(source, restored_name)
    maintenance = with_db(source, "postgres")
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "portal.dump"
        started = time.monotonic()
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "-f", str(dump), source], check=True)
        dump_s = time.monotonic() - started
        dump_bytes = dump.stat().st_size
        psql(maintenance, f'CREATE DATABASE "{restored_name}"')
        try:
            started = time.monotonic()
            subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump)], check=True)
            restore_s = time.monotonic() - started
            before, after = table_fingerprints(source), table_fingerprints(restored)
            differing = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
            verify = subprocess.run(
                [PY, "manage.py", "rebuild_metrics", "--verify"],
                cwd=ROOT,
                env=os.environ | {"DATABASE_URL": restored},
                capture_output=True,
                text=True,
            )
            probe = serve_and_probe(restored)
        finally:
            psql(maintenance, f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
    rows = sum(count for count, _ in before.values())
    print(f"dump size            {dump_bytes} bytes")
    print(f"pg_dump              {dump_s:.2f} s")
    print(f"pg_restore           {restore_s:.2f} s")
    print(f"tables compared      {len(before)} ({rows} rows)")
    print(f"tables differing     {len(differing)} {differing[:5]}")
    print(
        f"rebuild --verify     exit {verify.returncode}: {verify.stdout.strip().splitlines()[-1] if verify.stdout else verify.stderr[-200:]}"
    )
    print(f"app on restored copy /healthz {probe['status']} {probe['body']}")
    ok = not differing and verify.returncode == 0 and probe["status"] == 200
    print("BACKUP DRILL", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
