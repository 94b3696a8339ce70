"""Benchmark: ledger exports (issue 19, goal 2): CSV ≥ 50,000 rows/s, XLSX ≥ 10,000 rows/s, in
constant memory.

    .venv/bin/python benchmarks/exports.py [--rows 100000] [--kind love-station-tallies]
    DATABASE_URL=postgres://root@127.0.0.1:5432/mine .venv/bin/python benchmarks/exports.py --generate

On the database DATABASE_URL names (its migrations applied). It exports the first --rows
records of the kind (by default the kind the synthetic network has most of) as a head-office
analyst of the generated network (SYN), through the export's own code (ledgers/exporting.py,
ledgers/workbooks.py) into a temporary file, and prints rows per second for CSV and XLSX
against the goals, and the process's peak RSS after a tenth of the rows and after all of them
(constant memory: the second is no larger). --generate first makes a network of --rows × 4
records with the synthetic generator when the database has none. `make bench` runs the same
measurement (benchmarks/suite.py; --skip exports to leave it out).
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CSV_GOAL = 50_000
XLSX_GOAL = 10_000


@dataclass
class ExportResult:
    kind: str
    rows: int
    csv_seconds: float
    xlsx_seconds: float
    csv_cpu: float  # CPU seconds of this process (the database server's not counted)
    xlsx_cpu: float
    rss_tenth_mb: float  # peak RSS after exporting a tenth of the rows (both formats)
    rss_mb: float  # peak RSS after exporting all of them

    @property
    def csv_rate(self) -> float:
        return self.rows / self.csv_seconds

    @property
    def xlsx_rate(self) -> float:
        return self.rows / self.xlsx_seconds


def busiest_kind() -> str:
    """The kind the synthetic network has most records of."""
    from core.kinds import record_kinds

    return max((k for k in record_kinds() if k.ledger is not None), key=lambda k: k.synthetic.share).slug


def exporter(root):
    """A head-office analyst of the network (idempotent)."""
    from django.contrib.auth import get_user_model

    from branches.models import Membership, Role

    user, _created = get_user_model().objects.get_or_create(username=f"bench-exporter-{root.code}")
    Membership.objects.get_or_create(user=user, branch=root, role=Role.ANALYST)
    return user


def _export(user, spec, rows: int) -> tuple[float, float, float, float]:
    """Seconds to write the first `rows` records as CSV, then as XLSX: wall clock, and CPU of
    this process (on a busy machine the wall clock counts other processes' turns too)."""
    from types import SimpleNamespace

    from django.http import QueryDict

    from ledgers.exporting import ExportRows, csv_chunks, export_queryset
    from ledgers.lookups import Lookups
    from ledgers.workbooks import export_file

    request = SimpleNamespace(user=user, GET=QueryDict())
    queryset, title, _node, _errors = export_queryset(spec, request, QueryDict())
    queryset = queryset[:rows]
    with tempfile.TemporaryDirectory() as folder:
        started, cpu = time.perf_counter(), time.process_time()
        with open(Path(folder) / "export.csv", "w", encoding="utf-8", newline="") as out:
            for piece in csv_chunks(spec, ExportRows(user, spec, queryset)):
                out.write(piece)
        csv_seconds, csv_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        codes = Lookups(user).writable_codes()
        export_file(spec, codes, ExportRows(user, spec, queryset), title, Path(folder) / "export.xlsx")
        return csv_seconds, time.perf_counter() - started, csv_cpu, time.process_time() - cpu


def measure(root, kind: str, rows: int) -> ExportResult:
    from benchmarks.memory import peak_rss_mb
    from ledgers.specs import spec_for

    spec = spec_for(kind)
    user = exporter(root)
    available = spec.model.objects.for_user(user).count()
    rows = min(rows, available)
    _export(user, spec, max(rows // 10, 1))
    tenth = peak_rss_mb()
    csv_seconds, xlsx_seconds, csv_cpu, xlsx_cpu = _export(user, spec, rows)
    return ExportResult(kind, rows, csv_seconds, xlsx_seconds, csv_cpu, xlsx_cpu, tenth, peak_rss_mb())


def figures(result: ExportResult, goals: bool = True) -> list:
    from benchmarks.report import Figure, sec

    name = f"{result.rows:,} {result.kind}"
    return [
        Figure(
            f"CSV export of {name} (streamed)",
            f"{sec(result.csv_seconds)} ({result.csv_rate:,.0f} rows/s)",
            f"≥ {CSV_GOAL:,} rows/s" if goals else "—",
            f"CPU {result.rows / result.csv_cpu:,.0f} rows/s",
            (result.csv_rate >= CSV_GOAL) if goals else None,
        ),
        Figure(
            f"XLSX export of {name} (write-only, rows streamed as XML)",
            f"{sec(result.xlsx_seconds)} ({result.xlsx_rate:,.0f} rows/s)",
            f"≥ {XLSX_GOAL:,} rows/s" if goals else "—",
            f"CPU {result.rows / result.xlsx_cpu:,.0f} rows/s",
            (result.xlsx_rate >= XLSX_GOAL) if goals else None,
        ),
        Figure(
            f"Peak RSS of the exporting process after {max(result.rows // 10, 1):,} / {result.rows:,} rows",
            f"{result.rss_tenth_mb:.0f} / {result.rss_mb:.0f} MB",
            "constant" if goals else "—",
            f"+{result.rss_mb - result.rss_tenth_mb:.0f} MB",
            (result.rss_mb - result.rss_tenth_mb < 50) if goals else None,
        ),
    ]


def main(argv=None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kind", default=busiest_kind())
    parser.add_argument("--root", default="SYN", help="the code of the generated network's root")
    parser.add_argument("--generate", action="store_true", help="generate a network first if there is none")
    args = parser.parse_args(argv)
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.report import table
    from branches.models import Branch

    if args.generate and not Branch.objects.filter(code=args.root).exists():
        call_command("generate_network", outlets=400, records=args.rows * 4, skip_store=True)
    root = Branch.objects.filter(code=args.root).first()
    if root is None:
        raise SystemExit(f"No network {args.root} in this database: run with --generate.")
    result = measure(root, args.kind, args.rows)
    print(table(figures(result)))
    print(f"\nDatabase: {connection.vendor}; load average during the run: {os.getloadavg()[0]:.1f}")
    return 0 if all(f.met is not False for f in figures(result)) else 1


if __name__ == "__main__":
    sys.exit(main())
