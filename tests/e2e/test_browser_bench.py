"""benchmarks/browser.py (issue 19, goal 7) runs end to end: the demo under production serving
(collectstatic, gunicorn), the head-office dashboard drawn in Chromium, its JS + CSS measured.

The bytes are held to the goal here (they do not depend on the machine); the time is printed,
not judged: a shared CI machine is no place to hold a timing goal (docs/performance.md has the
figures of a full run)."""

import re
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e


def test_browser_bench_draws_the_head_office_dashboard_within_the_byte_budget():
    result = subprocess.run(
        [sys.executable, "benchmarks/browser.py", "--runs", "2"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = result.stdout
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "ERROR" not in out, out
    drawn = re.search(r"\| Head-office dashboard \(ICBC\) drawn in Chromium.*? all (\d+) charts finished", out)
    assert drawn and int(drawn.group(1)) > 3, out
    budget = re.search(
        r"\| JS \+ CSS the dashboard loads \((\d+) files\), compressed as served \| (\d+) KB \|.*\| (\S+) \|", out
    )
    assert budget and budget.group(3) == "met" and int(budget.group(2)) <= 400, out
    # ECharts as built from npm, gzip-compressed by whitenoise, and nothing of the npm package's full build.
    assert re.search(r"\| vendor/echarts/echarts-portal\.min\.[0-9a-f]{12}\.js \| script \| [\d,]+ \| gzip \|", out), (
        out
    )
    assert "echarts.min." not in out
    if result.returncode:  # only the timing may miss its goal on a busy machine
        assert out.count("**not met**") == 1 and re.search(r"drawn in Chromium.*\*\*not met\*\*", out), out
