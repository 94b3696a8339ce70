"""A node's own figures and charts are kept one metric at a time (dashboards/node_metrics.py):
right after a write the page reads again only the metrics the write changed, and what it shows
is what a page built from scratch shows, after a write of every record kind, for any period."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.freshness import METRIC_KEY, metric_tokens, new_epoch, new_versions
from core.kinds import kind_for_slug, record_kinds
from services.models import HomeVisit
from services.services import home_visit_create
from tests.conftest import record_data
from tests.dashboard.conftest import committed, dashboard_url, figures

pytestmark = pytest.mark.django_db

KINDS = [kind.slug for kind in record_kinds() if kind.sample is not None]
PERIODS = ["2025", "2025-08", "2024-11..2025-02", "2024..2025"]
STORE_READS = ("FROM metrics_metricvalue WHERE branch_id IN (", "FROM metrics_distinctcount WHERE branch_id IN (")


def metrics_read(queries, branch_id: int) -> set[str]:
    """The metrics of the store's reads of the branch's own figures (not its children's)."""
    found = set()
    for sql in (q["sql"] for q in queries):
        if not any(read in sql for read in STORE_READS):
            continue
        if re.search(r"branch_id IN \(([^)]*)\)", sql)[1].split(", ") != [str(branch_id)]:
            continue
        for names in re.findall(r"metric IN \(([^)]*)\)", sql):
            found |= {name.strip().strip("'") for name in names.split(", ")}
    return found


def test_a_write_reads_again_only_the_metrics_it_changed(
    cached, client, net, analyst_wh, staff_qk, django_capture_on_commit_callbacks
):
    data = committed(django_capture_on_commit_callbacks, lambda: record_data("home-visits", net))  # its staff
    client.force_login(analyst_wh)
    with CaptureQueriesContext(connection) as first:
        client.get(dashboard_url("WH", "2025"))
    assert len(metrics_read(first, net["WH"].pk)) > 20  # built whole the first time
    committed(django_capture_on_commit_callbacks, lambda: home_visit_create(user=staff_qk, **data))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(dashboard_url("WH", "2025")).content.decode()
    assert metrics_read(queries, net["WH"].pk) == {measure.metric for measure in HomeVisit.measures}
    assert figures(html)["home_visits"] == "1"


def store_part(client, period: str) -> str:
    response = client.get(dashboard_url("WH", period))
    assert response.status_code == 200
    return response.context["store_part"]


@pytest.mark.parametrize("slug", KINDS)
def test_kept_figures_are_those_read_from_scratch_after_a_write_of_every_kind(
    cached, settings, client, net, analyst_wh, django_capture_on_commit_callbacks, slug
):
    kind = kind_for_slug(slug)
    data = committed(django_capture_on_commit_callbacks, lambda: record_data(slug, net))  # the records it names
    client.force_login(analyst_wh)
    before = {period: store_part(client, period) for period in PERIODS}  # every metric kept
    committed(django_capture_on_commit_callbacks, lambda: kind.create(user=net.root_user, **data))
    for period in PERIODS:
        kept = store_part(client, period)
        settings.DASHBOARD_CACHE = False
        fresh = store_part(client, period)
        settings.DASHBOARD_CACHE = True
        assert kept == fresh, period
    assert kept != before[PERIODS[-1]]  # the write shows


def test_a_record_moved_to_another_year_leaves_both_years_right(
    cached, settings, client, net, analyst_wh, staff_qk, django_capture_on_commit_callbacks
):
    kind = kind_for_slug("home-visits")
    visit = committed(
        django_capture_on_commit_callbacks, lambda: home_visit_create(user=staff_qk, **record_data("home-visits", net))
    )
    client.force_login(analyst_wh)
    for period in ("2024", "2025"):
        store_part(client, period)
    committed(
        django_capture_on_commit_callbacks,
        lambda: kind.update(visit, user=staff_qk, occurred_on=datetime.date(2024, 3, 5)),
    )
    for period, shown in (("2024", "1"), ("2025", "0")):
        html = client.get(dashboard_url("WH", period)).content.decode()
        assert figures(html)["home_visits"] == shown, period


def test_a_metric_token_changes_with_the_writes_of_its_metric_only(cached):
    metrics = ["home_visits", "honours"]
    before, elsewhere = metric_tokens(7, metrics), metric_tokens(8, metrics)
    assert metric_tokens(7, metrics) == before  # read twice: the same
    new_versions([7], "metrics.metricvalue", 2025, ["home_visits"])
    after = metric_tokens(7, metrics)
    assert after["home_visits"] != before["home_visits"] and after["honours"] == before["honours"]
    assert metric_tokens(8, metrics) == elsewhere  # another branch: untouched
    new_versions([7], "branches.staff")  # a write that names no year: the branch's version
    assert all(metric_tokens(7, metrics)[m] != after[m] for m in metrics)
    assert metric_tokens(8, metrics) == elsewhere
    new_epoch()  # a change that shows everywhere
    assert all(metric_tokens(8, metrics)[m] != elsewhere[m] for m in metrics)


def test_an_evicted_metric_version_is_never_read_as_an_older_one(cached):
    before = metric_tokens(7, ["home_visits"])["home_visits"]
    cache.delete(METRIC_KEY % (7, "home_visits"))  # evicted, or never written
    after = metric_tokens(7, ["home_visits"])["home_visits"]
    assert after != before and metric_tokens(7, ["home_visits"])["home_visits"] == after
