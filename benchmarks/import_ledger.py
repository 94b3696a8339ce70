"""Benchmark: a 50,000-row ledger through the real import path (dry run, then commit).

    .venv/bin/python benchmarks/import_ledger.py [--rows 50000] [--kind home-visits|outreach-events]
    DATABASE_URL=postgres://root@127.0.0.1:5432/test .venv/bin/python benchmarks/import_ledger.py

It creates a throw-away test database (as the test runner does), a small branch tree with staff,
writes the ledger with openpyxl (not timed), then runs the dry run and the commit as the upload
page does (ledgers.jobs: the ImportJob, the file kept under its token, progress, the record
service) and prints rows per second and seconds for each step. Not a unit test.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from benchmarks.memory import peak_rss_mb, reset_peak  # noqa: E402

STAFF = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"


def build_network():
    from branches.models import Branch, Membership, Role, Staff
    from branches.services import branch_create

    root = get_user_model().objects.create_superuser("bench-root", password="bench-root-pass")
    icbc = branch_create(user=root, code="ICBC", name="中国工商银行", level=Branch.Level.HEAD_OFFICE)
    wh = branch_create(user=root, code="WH", name="武汉分行", level=Branch.Level.CITY, parent=icbc)
    qk = branch_create(user=root, code="WH-QK", name="硚口支行", level=Branch.Level.SUB_BRANCH, parent=wh)
    outlets = [
        branch_create(user=root, code=f"WH-QK-{i:02d}", name=f"硚口{i}", level=Branch.Level.OUTLET, parent=qk)
        for i in range(1, 5)
    ]
    manager = get_user_model().objects.create_user("bench-manager", password="bench-manager-pass")
    Membership.objects.create(user=manager, branch=qk, role=Role.BRANCH_MANAGER)
    for outlet in outlets:
        for name in STAFF:
            Staff.objects.create(branch=outlet, name=name)
    return manager, outlets


def write_ledger(path: Path, kind: str, rows: int, outlets) -> None:
    from ledgers.specs import spec_for

    spec = spec_for(kind)
    start = datetime.date(2024, 1, 1)
    with translation.override("zh-hans"):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(spec.sheet_title())
        ws.append(spec.headers())
        for i in range(rows):
            day = start + datetime.timedelta(days=i % 600)
            branch = outlets[i % len(outlets)].code
            if kind == "home-visits":
                values = {
                    "branch": branch,
                    "occurred_on": day,
                    "customer_group": ("老年客户", "残障客户", "重病客户")[i % 3],
                    # Branch, date, name and purpose differ for every row: no likely duplicates.
                    "customer_name_masked": SURNAMES[(i // 600) % 30] + "*" * (1 + (i // 18_000) % 3),
                    "customer_age_band": "80岁及以上",
                    "purpose": ("养老金", "账户业务", "身份核验", "银行卡")[(i // 3) % 4],
                    "staff": f"{STAFF[i % 6]}、{STAFF[(i + 1) % 6]}",
                    "duration_minutes": 20 + i % 60,
                    "notes": f"第{i}次上门",
                }
            else:
                values = {
                    "branch": branch,
                    "occurred_on": day,
                    "venue_type": ("社区", "学校", "企业", "公园", "市场")[i % 5],
                    "place": f"活动地点{i}",
                    "theme": ("反诈", "养老金", "数字金融")[i % 3],
                    "attendees": 10 + i % 200,
                    "notes": f"第{i}场",
                }
            ws.append([values.get(c.name) for c in spec.columns])
        wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--kind", choices=["home-visits", "outreach-events"], default="home-visits")
    args = parser.parse_args()

    settings.LEDGER_IMPORT_INLINE = True
    settings.DEBUG = False  # as in production: no log of every query's SQL in memory
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":  # a name of its own: never another run's test database
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"ledger_benchmark_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    job = None
    try:
        from ledgers import jobs
        from ledgers.models import ImportJob
        from ledgers.specs import spec_for

        manager, outlets = build_network()
        with tempfile.TemporaryDirectory() as workdir:
            path = Path(workdir) / f"{args.kind}-{args.rows}.xlsx"
            started = time.monotonic()
            write_ledger(path, args.kind, args.rows, outlets)
            size = path.stat().st_size
            print(f"database: {connection.vendor}; ledger: {args.kind}, {args.rows:,} rows, {size:,} bytes")
            print(f"  writing the file with openpyxl (not timed below): {time.monotonic() - started:.1f} s")
            job = jobs.create_job_from_path(user=manager, kind=args.kind, path=path, name=path.name)
        total = total_cpu = 0.0
        for step, commit in (("dry run", False), ("commit", True)):
            if commit and not jobs.claim(job, allow_duplicates=False):
                break
            reset_peak()
            started, cpu = time.monotonic(), time.process_time()
            jobs.start(job, commit=commit, background=False)
            seconds, cpu = time.monotonic() - started, time.process_time() - cpu
            total += seconds
            total_cpu += cpu
            job.refresh_from_db()
            print(
                f"  {step:8s} {seconds:6.1f} s  {args.rows / seconds:8,.0f} rows/s  (CPU {cpu:5.1f} s)  "
                f"peak RSS {peak_rss_mb():,.0f} MB  state={job.state} problems={job.problem_count} "
                f"created={job.created_count}"
            )
            if job.problem_count or job.file_error:
                print("  first problems:", job.file_error or job.problems[:3])
                break
        records = spec_for(args.kind).model.objects.count()
        print(
            f"  total    {total:6.1f} s  {args.rows / total:8,.0f} rows/s  (CPU {total_cpu:5.1f} s; "
            f"records now: {records:,}; load average {os.getloadavg()[0]:.1f})"
        )
        if job.state != ImportJob.State.COMMITTED:
            sys.exit(1)
    finally:
        if job is not None:
            jobs.file_of(job).unlink(missing_ok=True)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
