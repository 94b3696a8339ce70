"""Scale benchmarks of issue 7: dashboards, metrics API, bulk import, exports and rebuild at national size.

Full run (docs/performance.md), in a PostgreSQL database of its own (never the test database):

    make bench BENCH_ARGS=--generate   # once: creates portal_bench, 16,000 outlets, 10 million records
    make bench                         # every figure beside its limit, as a markdown table
    make bench BENCH_ARGS=--write-docs # the same, and the table written into docs/performance.md

The database is postgres://root@127.0.0.1:5432/portal_bench unless --database or
BENCH_DATABASE_URL says otherwise. Smoke run (CI; no limits, a minute or two), on whatever
DATABASE_URL is set (SQLite works), in a throw-away database the run creates and drops:

    make bench-smoke

It exits non-zero when a page fails, the query counts differ or the rebuild does not verify.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://root@127.0.0.1:5432/portal_bench"
DOCS = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
ROUTES_HEAD = (
    "Every GET route, as a manager at the root (also the admin's user), a province and a sub-branch and as outlet\n"
    "staff at an outlet; limits by class (issue 19): list p50 < 150 ms, p95 < 300 ms, < 150 KB; form < 300 ms,\n"
    "< 150 KB; report < 1 s; document < 5 s (or a background job); other pages < 300 ms; exports stream.\n\n"
)


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small networks in a throw-away database, no limits")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--generate", action="store_true", help="create the database and the network first")
    parser.add_argument("--outlets", type=int, default=16_000)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--period", default="2025")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page (after 3 warm-up ones)")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--export-rows", type=int, default=100_000, help="rows of the busiest kind exported")
    parser.add_argument("--raw-runs", type=int, default=3, help="runs of each raw SQL baseline (median)")
    parser.add_argument(
        "--skip", default="", help="comma-separated: raw, import, exports, rebuild, routes, browser (for development)"
    )
    parser.add_argument(
        "--browser-loads", type=int, default=20, help="timed loads of the head-office dashboard in Chromium"
    )
    parser.add_argument("--routes", default="", help="only the routes whose names match this regular expression")
    parser.add_argument("--route-requests", type=int, default=20, help="timed requests per route and user")
    parser.add_argument("--write-docs", action="store_true", help=f"write the table into {DOCS.relative_to(ROOT)}")
    return parser.parse_args(argv)


def _create_database(url: str) -> None:
    """CREATE DATABASE through the server's maintenance database, if it is missing."""
    from urllib.parse import urlparse

    import psycopg2
    from psycopg2 import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if name in ("test", "postgres", ""):
        raise SystemExit(f"Refusing to use the database {name!r} for benchmarks: give one of its own.")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")
    admin.close()


def _setup(database: str | None) -> None:
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no log of every query in memory
    from config.garbage_collection import settle

    settle()  # as each gunicorn worker does (config/wsgi.py): no full collection of the loaded app mid-request


def _generate(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import suite
    from branches.models import Branch

    call_command("migrate", verbosity=0)
    if not Branch.objects.filter(code="SYN").exists():
        call_command(
            "generate_network",
            outlets=args.outlets,
            records=args.records,
            seed=args.seed,
        )
    if not Branch.objects.filter(code=suite.SMALL_PREFIX).exists():
        suite.add_network(suite.SMALL_PREFIX, 16, 1500, seed=2)
    # As a database in service is: its rows' visibility settled by a vacuum, its statistics
    # current. Right after a bulk load every first read of a row would also write its page.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _print(results, started: float, extra: dict) -> str:
    from benchmarks.report import environment, environment_table, table
    from benchmarks.routes import table as route_table

    text = "\n\n".join(
        [
            table(results.figures),
            *([ROUTES_HEAD + route_table(results.routes)] if results.routes else []),
            environment_table(environment(extra | {"run took": f"{time.monotonic() - started:.0f} s"})),
            *(f"{note}" for note in results.notes if note),
        ]
    )
    print(text)
    return text


def _write_docs(text: str) -> None:
    current = DOCS.read_text(encoding="utf-8")
    if BEGIN not in current or END not in current:
        raise SystemExit(f"{DOCS} has no {BEGIN} … {END} markers")
    head, rest = current.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    print(f"Wrote the table into {DOCS.relative_to(ROOT)}.")


def smoke() -> int:
    _setup(None)
    from django.db import connection

    from benchmarks import suite

    started = time.monotonic()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_smoke_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        results = suite.smoke()
        _print(results, started, {"run": "smoke (no limits)"})
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    failures = [] if results.counts_equal else ["query counts differ: " + "; ".join(results.unequal)]
    if failures:
        print("FAILED:", ", ".join(failures))
        return 1
    return 0


def full(args) -> int:
    if args.generate:
        _create_database(args.database)
    # As in production (docs/deploy.md): the Redis cache, which turns on the dashboards' cache.
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
    _setup(args.database)
    from django.db import connection

    from benchmarks import suite
    from branches.models import Branch

    if connection.vendor != "postgresql":
        raise SystemExit("The full benchmark runs on PostgreSQL; use --smoke elsewhere.")
    if args.generate:
        _generate(args)
        # Measured in a new process: the generator's objects would swell this one's memory and
        # its garbage collections, which are part of what the routes' figures measure.
        argv = [arg for arg in sys.argv if arg != "--generate"]
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, *argv])  # noqa: S606  (this script again, its own arguments)
    if not Branch.objects.filter(code="SYN").exists():
        raise SystemExit(f"No generated network in {args.database}: run with --generate first.")
    if not Branch.objects.filter(code=suite.SMALL_PREFIX).exists():
        suite.add_network(suite.SMALL_PREFIX, 16, 1500, seed=2)
    started = time.monotonic()
    options = suite.Options(
        period=args.period,
        requests=args.requests,
        import_rows=args.import_rows,
        export_rows=args.export_rows,
        raw_runs=args.raw_runs,
        skip={s.strip() for s in args.skip.split(",") if s.strip()},
        route_requests=args.route_requests,
        only_routes=args.routes,
    )
    results = suite.measure(options)
    if "browser" not in options.skip:
        _browser(args, options, results)
    from django.conf import settings

    from metrics.rollup import record_models

    records = sum(model.objects.count() for model in record_models())
    text = _print(
        results,
        started,
        {
            "database": args.database,
            "cache": f"{os.environ['REDIS_URL']} (dashboard cache {'on' if settings.DASHBOARD_CACHE else 'off'})",
            "records": f"{records:,}",
            "command": "make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else ""),
        },
    )
    if args.write_docs:
        _write_docs(text)
    met = [f.met for f in results.figures if f.met is not None]
    return 0 if all(met) else 1


def _browser(args, options, results) -> None:
    """Part "browser" (issue 19, goal 7): the root's dashboard drawn in Chromium under production
    serving (gunicorn on loopback, on this database and the Redis cache), and its JS + CSS bytes."""
    from benchmarks import browser
    from benchmarks.report import Figure

    measured = browser.measure(
        args.database, options.root, args.period, runs=args.browser_loads, redis=os.environ.get("REDIS_URL")
    )
    results.figures += browser.figures(measured)
    results.notes.append(browser.report(measured))
    results.notes += [f"Browser: {error}" for error in measured.console_errors]
    if measured.console_errors:
        results.figures.append(
            Figure("Console errors on the dashboard", str(len(measured.console_errors)), "0", "—", False)
        )


def main(argv=None) -> int:
    args = parse(argv)
    return smoke() if args.smoke else full(args)


if __name__ == "__main__":
    sys.exit(main())
