"""A dashboard reads its node's sums and stocks off the monthly rows its charts draw, one metric
or all at once (dashboards.node_metrics): the figures must be those read directly, to the cent and
the unit, for any period and node, whichever metrics are read together."""

import pytest

from branches.models import Branch
from core.catalogue import METRICS
from core.periods import parse_period
from dashboards.node_metrics import read_metrics, values_of
from dashboards.summary import node_summary, previous_of

pytestmark = pytest.mark.django_db

PERIODS = ["2025", "2024", "2025Q3", "2025-08", "2025-01", "2023..2025", "2024-11..2025-02", "2021", "2020"]


def figures(summary) -> list[tuple]:
    # The values themselves (Decimal("1.50") and Decimal("1.5") would write differently).
    return [(f.key, str(f.value), str(f.previous), f.target) for f in summary.figures]


@pytest.mark.parametrize("text", PERIODS)
def test_figures_from_the_monthly_rows_are_those_read_directly(demo, text):
    period = parse_period(text)
    previous = previous_of(period)
    nodes = [Branch.objects.filter(parent__isnull=True).order_by("path").first(), *demo.values()][:12]
    assert any(f.value for f in node_summary(nodes[0], parse_period("2025"), []).figures)
    for node in nodes:
        together = read_metrics(node, period, previous, list(METRICS))
        one_by_one = {}
        for key in METRICS:
            one_by_one |= read_metrics(node, period, previous, [key])
        direct = figures(node_summary(node, period, []))
        assert figures(node_summary(node, period, [], values=values_of(together, previous))) == direct
        assert one_by_one == together
