"""The peak resident memory of this process, as the bench reports it.

Linux's VmHWM (/proc/self/status) belongs to the process's address space: it starts again when
the process re-executes itself (`make bench BENCH_ARGS=--generate` measures in a new process),
whereas getrusage's ru_maxrss keeps the generator's peak across exec. Elsewhere, ru_maxrss.
"""

import contextlib
import resource
import sys
from pathlib import Path

STATUS = Path("/proc/self/status")


def peak_rss_mb() -> float:
    with contextlib.suppress(OSError):
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def reset_peak() -> None:
    """Linux: start the peak (VmHWM) again from the current size, so each step shows its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
