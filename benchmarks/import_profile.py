"""Where an import's time goes: the bench's 100,000 home visits through record_bulk_create, and
the same rows' two halves apart: Python checking them and writing their COPY text, and
PostgreSQL storing that text in the record table (foreign keys checked, as in the import).

    .venv/bin/python benchmarks/import_profile.py [--rows 100000] [--database URL]

Everything runs in transactions that are rolled back; the database stays as generated.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> None:
    from benchmarks.run import DEFAULT_DATABASE, _setup

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    args = parser.parse_args(argv)
    _setup(args.database)

    from django.db import connection

    from benchmarks import suite, writes
    from branches.models import Branch
    from records import bulk
    from records import services as recording

    root = Branch.objects.get(code="SYN")
    province = Branch.objects.filter(path__startswith=root.path, level=Branch.Level.PROVINCE).order_by("code").first()
    user = suite._importer(province)
    rows = writes.import_rows(province, args.rows, 2025)
    n = len(rows)
    parts: dict[str, float] = {}

    def apart(db, table, columns, make_lines):
        started = time.perf_counter()
        text = "".join(make_lines())
        made = time.perf_counter()
        bulk.copy_from(db, table, columns, io.StringIO(text))
        parts["python"], parts["copy"] = made - started, time.perf_counter() - made

    whole = writes.import_seconds(user, rows)
    streamed = recording.stream_copy
    recording.stream_copy = apart
    try:
        writes.import_seconds(user, rows)
    finally:
        recording.stream_copy = streamed
    baseline, _method = writes.copy_seconds(rows)
    with_keys, _method = writes.copy_seconds(rows, foreign_keys=True)
    print(f"{n:,} rows on {connection.settings_dict['NAME']}, per row:")
    for label, seconds in [
        ("import, rows streamed into COPY as checked (record_bulk_create)", whole),
        ("  Python alone: checks and COPY text", parts["python"]),
        ("  PostgreSQL alone: COPY of that text into the record table", parts["copy"]),
        ("COPY into an empty scratch table shaped like it (the benchmark's baseline)", baseline),
        ("the same with the record table's foreign keys", with_keys),
    ]:
        print(f"  {seconds / n * 1e6:6.1f} µs  {label}")


if __name__ == "__main__":
    main()
