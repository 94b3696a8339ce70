"""The scale benchmark's own code on a tiny network (what `make bench-smoke` runs in CI), so
that `make test` covers it and it cannot rot."""

import pytest

from benchmarks import pages, suite
from benchmarks.report import table
from metrics.rebuild import compute_from_records
from metrics.rollup import current_store

pytestmark = pytest.mark.django_db(transaction=True)


def test_smoke_measures_every_figure_with_equal_query_counts_and_a_verified_rebuild():
    results = suite.smoke(requests=2, import_rows=60)
    names = [f.name for f in results.figures]
    for expected in ("Head-office dashboard p50", "Sub-branch dashboard", "Metrics API p50", "Import of 60", "rebuild"):
        assert any(expected in name for name in names), (expected, names)
    # Query counts of every page, and of every GET route of the URLconf for a user at the root,
    # a province, a sub-branch and an outlet, are the same for 16 and for 64 outlets.
    from benchmarks.routes import LEVELS
    from tests.security.routes import all_routes

    routes = {(route.key, level) for route in all_routes() for level in LEVELS}
    assert set(results.counts) == {"head", "sub", "api"} | routes
    assert results.counts_equal, results.unequal
    # rebuild_metrics --verify ran and found the incremental store equal to the records.
    assert any("Verified" in note for note in results.notes)
    # The import was rolled back: the store still equals the records.
    assert current_store() == compute_from_records()
    assert table(results.figures).count("\n") == len(results.figures) + 1


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 41)]
    assert pages.percentile(values, 95) == 38.0
    assert pages.percentile(values, 50) == 20.0
    assert pages.percentile([3.0], 95) == 3.0
