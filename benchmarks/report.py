"""The figures table (markdown) and the machine, versions and settings it was measured on."""

import os
import platform
import sys
from dataclasses import dataclass

import django
from django.db import connection

PG_SHOWN = (
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "effective_cache_size",
    "max_parallel_workers_per_gather",
    "jit",
    "synchronous_commit",
    "random_page_cost",
)


@dataclass
class Figure:
    name: str
    value: str
    limit: str = "—"
    ratio: str = "—"
    met: bool | None = None  # None: no goal (information, or a smoke run)

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**not met**", None: "—"}[self.met]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def sec(seconds: float) -> str:
    return f"{seconds:.2f} s"


def table(figures: list[Figure]) -> str:
    lines = ["| figure | measured | limit | ratio | goal |", "|---|---:|---:|---:|---|"]
    lines += [f"| {f.name} | {f.value} | {f.limit} | {f.ratio} | {f.verdict} |" for f in figures]
    return "\n".join(lines)


def _meminfo() -> str:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def environment(extra: dict | None = None) -> list[tuple[str, str]]:
    rows = [
        ("machine", f"{os.cpu_count()} CPUs (nproc), {_meminfo()} memory, {platform.platform()}"),
        ("load average at the end", " / ".join(f"{x:.1f}" for x in os.getloadavg())),
        ("Python / Django", f"{sys.version.split()[0]} / {django.get_version()}"),
        ("database", connection.vendor),
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            rows.append(("PostgreSQL", cursor.fetchone()[0].split(" on ")[0]))
            settings = []
            for name in PG_SHOWN:
                cursor.execute(f"SHOW {name}")
                settings.append(f"{name}={cursor.fetchone()[0]}")
            rows.append(("server settings (unchanged)", ", ".join(settings)))
    rows += list((extra or {}).items())
    return rows


def environment_table(rows: list[tuple[str, str]]) -> str:
    return "\n".join(["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])
