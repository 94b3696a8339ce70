"""Dashboards keep each year's figures apart (core.freshness, "through" tokens): a write dated in
one year leaves the pages of earlier years kept, and reaches the pages of its year and of every
later one (they compare with it, and stocks such as active teams carry it forward); whatever was
kept, a page is the page built without the cache."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from branches.services import staff_update, target_set
from core.freshness import current_versions, new_versions
from services.services import home_visit_create, home_visit_update
from tests.conftest import record_data
from tests.dashboard.conftest import committed, dashboard_url, figures, previous_figures
from tests.dashboard.test_dashboard_cache import page
from volunteering.services import team_create

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year  # its 1 January is never in the future
LAST_YEAR = THIS_YEAR - 1


def visit(net, day: datetime.date) -> dict:
    return {**record_data("home-visits", net), "occurred_on": day}


def test_a_write_dated_this_year_leaves_last_years_page_kept(
    cached, client, net, analyst_wh, staff_qk, django_capture_on_commit_callbacks
):
    client.force_login(analyst_wh)
    fields = visit(net, datetime.date(THIS_YEAR, 1, 1))
    for period in (str(LAST_YEAR), str(THIS_YEAR)):
        page(client, period=period)
    _, warm = page(client, period=str(LAST_YEAR))
    committed(django_capture_on_commit_callbacks, lambda: home_visit_create(user=staff_qk, **fields))
    html, after = page(client, period=str(LAST_YEAR))
    assert after == warm  # served from the cache: nothing of last year changed
    assert figures(html)["home_visits"] == "0"
    assert figures(page(client, period=str(THIS_YEAR))[0])["home_visits"] == "1"


def test_a_write_reaches_the_pages_of_later_years(
    cached, client, net, analyst_wh, staff_qk, root_user, django_capture_on_commit_callbacks
):
    """Next year's page compares with the year written; a team founded then is active in every
    year after it."""
    client.force_login(analyst_wh)
    for period in ("2024", "2025"):
        page(client, period=period)
    fields = visit(net, datetime.date(2024, 6, 3))
    committed(django_capture_on_commit_callbacks, lambda: home_visit_create(user=staff_qk, **fields))
    team = {**record_data("teams", net), "occurred_on": datetime.date(2024, 3, 1)}
    committed(django_capture_on_commit_callbacks, lambda: team_create(user=root_user, **team))
    html = page(client, period="2025")[0]
    assert previous_figures(html)["home_visits"] == "1"
    assert figures(html)["teams_active"] == "1"
    assert figures(page(client, period="2024")[0])["home_visits"] == "1"


def test_a_record_moved_to_a_later_year_leaves_the_earlier_page_at_once(
    cached, client, net, analyst_wh, staff_qk, django_capture_on_commit_callbacks
):
    client.force_login(analyst_wh)
    fields = visit(net, datetime.date(2024, 5, 10))
    record = committed(django_capture_on_commit_callbacks, lambda: home_visit_create(user=staff_qk, **fields))
    assert figures(page(client, period="2024")[0])["home_visits"] == "1"
    committed(
        django_capture_on_commit_callbacks,
        lambda: home_visit_update(record, user=staff_qk, occurred_on=datetime.date(2025, 5, 10)),
    )
    assert figures(page(client, period="2024")[0])["home_visits"] == "0"
    assert figures(page(client, period="2025")[0])["home_visits"] == "1"


def test_next_years_target_leaves_this_years_page_kept(
    cached, client, net, analyst_wh, django_capture_on_commit_callbacks
):
    client.force_login(analyst_wh)
    page(client, period="2025")
    _, warm = page(client, period="2025")
    committed(
        django_capture_on_commit_callbacks,
        lambda: target_set(user=analyst_wh, branch=net["WH"], year=2026, metric="home_visits", value=8),
    )
    html, after = page(client, period="2025")
    assert after == warm and 'data-target="8.00"' not in html
    assert 'data-target="8.00"' in page(client, period="2026")[0]


def test_an_undated_write_reaches_every_year(cached, net, root_user, django_capture_on_commit_callbacks):
    """A write that names no year (a staff member, say) changes the tokens of every year."""
    branch = net["WH-QK"]
    before = {year: current_versions([branch.pk], through=year)[branch.pk] for year in (2020, 2025, THIS_YEAR + 3)}
    member = committed(django_capture_on_commit_callbacks, lambda: record_data("home-visits", net)["staff"][0])
    committed(django_capture_on_commit_callbacks, lambda: staff_update(member, user=root_user, name="新名字"))
    after = {year: current_versions([branch.pk], through=year)[branch.pk] for year in before}
    assert all(after[year] != before[year] for year in before)


YEARS = st.integers(1990, 2100)


@settings(max_examples=60, deadline=None)
@given(since=YEARS, through=YEARS)
def test_a_token_changes_exactly_when_the_write_may_show(since, through):
    """Through year T changes for a write dated in year S exactly when S <= T (sums of S, stocks
    from S on), and for every write once T is after this year (no write is dated there; a
    target may be)."""
    before = current_versions([7], through=through)[7]
    other = current_versions([8], through=through)[8]
    new_versions([7], "services.homevisit", since=since)
    changed = current_versions([7], through=through)[7] != before
    assert changed == (since <= through or through > THIS_YEAR)
    assert current_versions([8], through=through)[8] == other  # another branch: untouched


WRITES = {
    "earlier year": lambda net, users: home_visit_create(user=users["staff"], **visit(net, datetime.date(2024, 2, 2))),
    "the year shown": lambda net, users: home_visit_create(
        user=users["staff"], **visit(net, datetime.date(2025, 11, 30))
    ),
    "a later year": lambda net, users: home_visit_create(
        user=users["staff"], **visit(net, datetime.date(THIS_YEAR, 1, 1))
    ),
    "a team founded earlier": lambda net, users: team_create(
        user=users["root"], **{**record_data("teams", net), "occurred_on": datetime.date(2023, 9, 9)}
    ),
    "next year's target": lambda net, users: target_set(
        user=users["analyst"], branch=net["WH-QK"], year=2026, metric="home_visits", value=4
    ),
}


@pytest.mark.parametrize("period", ["2025", "2025-11", "2024-12..2025-02"])
def test_kept_pages_are_those_built_from_scratch_after_writes_of_any_year(
    cached, settings, client, net, analyst_wh, staff_qk, root_user, django_capture_on_commit_callbacks, period
):
    client.force_login(analyst_wh)
    users = {"staff": staff_qk, "root": root_user, "analyst": analyst_wh}
    for name, write in WRITES.items():
        client.get(dashboard_url("WH", period))  # keeps the part and every row
        committed(django_capture_on_commit_callbacks, lambda write=write: write(net, users))
        kept = client.get(dashboard_url("WH", period)).context["store_part"]
        settings.DASHBOARD_CACHE = False
        fresh = client.get(dashboard_url("WH", period)).context["store_part"]
        settings.DASHBOARD_CACHE = True
        assert kept == fresh, name
