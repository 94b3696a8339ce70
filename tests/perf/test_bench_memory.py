"""The bench's peak-RSS figure belongs to the process that measures: `make bench
BENCH_ARGS=--generate` re-executes itself after generating, and the generator's peak must not
be reported as the serving peak."""

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.memory import peak_rss_mb, reset_peak

ROOT = Path(__file__).resolve().parents[2]

# Grows to ~300 MB, then replaces itself with a process that prints its own peak.
GROW_THEN_EXEC = """
import os, sys
ballast = bytearray(300 * 1024 * 1024)
ballast[::4096] = b"x" * len(ballast[::4096])
os.execv(sys.executable, [sys.executable, "-c", sys.argv[1]])
"""
PRINT_PEAK = (
    f"import sys; sys.path.insert(0, {str(ROOT)!r}); from benchmarks.memory import peak_rss_mb; print(peak_rss_mb())"
)


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="resetting the peak is Linux's")
def test_peak_counts_from_a_reset_what_this_process_holds_since():
    reset_peak()
    base = peak_rss_mb()
    ballast = bytearray(64 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page
    assert peak_rss_mb() >= base + 60
    del ballast


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
def test_peak_starts_again_after_exec():
    out = subprocess.run(
        [sys.executable, "-c", GROW_THEN_EXEC, PRINT_PEAK], capture_output=True, text=True, check=True, timeout=60
    )
    assert float(out.stdout) < 150, out.stdout  # the interpreter alone, not the 300 MB before exec
