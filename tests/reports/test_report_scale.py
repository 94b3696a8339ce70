"""What a highlights report costs depends on the node and its direct children, never on the
size or depth of its subtree (issue 19): the same queries for a node with 3 children as for one
with 30, deep trees under both, as for a province or an outlet; children's sections carry their
subtree's figures and stories."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.suite import add_network
from branches.models import Branch, Membership, Role
from core.periods import parse_period
from metrics.selectors import totals
from reports.highlights import build_report

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
Y2025 = parse_period("2025")


@pytest.fixture
def manager():
    add_network("T3", 24, 300, seed=3)  # 3 provinces, each a city, a sub-branch and 8 outlets below
    add_network("T30", 240, 900, seed=4)  # 30 provinces, the same depth
    user = get_user_model().objects.create_user("manager_trees")
    for code in ("T3", "T30"):
        Membership.objects.create(user=user, branch=Branch.objects.get(code=code), role=Role.BRANCH_MANAGER)
    return user


def built(user, code: str):
    with CaptureQueriesContext(connection) as queries:
        report = build_report(user, Branch.objects.get(code=code), Y2025)
    return report, len(queries.captured_queries) - 1  # less the Branch lookup above


def test_a_report_takes_the_same_queries_for_3_or_30_children_and_any_depth(manager):
    built(manager, "T3")  # warm the content-type cache
    small, small_queries = built(manager, "T3")
    large, large_queries = built(manager, "T30")
    assert [s.key for s in small.sections][:1] == ["T3"] and len(small.sections) == 1 + 3
    assert len(large.sections) > 1 + 20  # the provinces with records in 2025
    assert large_queries == small_queries
    # Each level below as on the other tree; none more than a province's (whose city children's
    # sections also quote cumulative financing: two queries more than the head office's).
    outlets = [
        Branch.objects.filter(code__startswith=f"{root}-", level=Branch.Level.OUTLET).order_by("code").first().code
        for root in ("T3", "T30")
    ]
    counts = []
    for a, b in (
        ("T3-P01", "T30-P01"),
        ("T3-P01-C001", "T30-P01-C001"),
        ("T3-P01-C001-S0001", "T30-P01-C001-S0001"),
        outlets,
    ):
        counts.append(built(manager, a)[1])
        assert built(manager, b)[1] == counts[-1], (a, b)
    assert counts[0] == small_queries + 2 and max(counts) == counts[0], counts


def test_a_childs_section_tells_its_whole_subtree(manager):
    report, _queries = built(manager, "T30")
    province = Branch.objects.get(code="T30-P01")
    section = next(s for s in report.sections if s.key == province.code)
    visits = report.book.links.get(f"{province.code}|home_visits||period")
    expected = totals(province, Y2025, ["home_visits"])["home_visits"]
    assert section.child and (visits is None and expected == 0 or visits.value == expected)
    # No figure of a grandchild: the reader opens the child's own report for those.
    codes = {f.branch_code for f in report.figures}
    assert codes <= {"T30"} | {s.key for s in report.sections}


def test_the_page_takes_the_same_queries_for_3_or_30_children(client, manager):
    client.force_login(manager)
    counts = []
    for code in ("T3", "T3", "T30", "T3-P01", "T30-P01"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("reports:highlights", args=[code]) + "?period=2025")
        assert page.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[1] == counts[2] and counts[3] == counts[4], counts
    assert page.content.decode().count('class="report-drill"') == 1  # the province's one city
