"""Who lags, at a glance: sub-branches by standing against targets and submissions, in words and
colour, sortable; the weightiest figures first and empty ones folded away; a compact table on phones."""

import datetime
import re
from decimal import Decimal

import pytest

from branches.models import Role
from branches.services import target_set
from core.periods import parse_period
from dashboards.standing import BEHIND, LEVEL_LABELS, NEAR, ON_TRACK, expected_share, level_of
from services.services import home_visit_create
from submissions.services import submission_submit
from tests.conftest import record_data
from tests.dashboard.conftest import child_rows, dashboard_url

pytestmark = pytest.mark.django_db


def row_of(html: str, code: str) -> str:
    return re.search(rf'<tr data-child="{code}"[^>]*>.*?</tr>', html, re.S)[0]


@pytest.mark.parametrize(
    ("text", "today", "share"),
    [
        ("2025", datetime.date(2026, 1, 5), Decimal(1)),  # a year gone by: the whole target
        ("2025", datetime.date(2025, 3, 10), (2 + Decimal(10) / 31) / 12),  # two months and 10 days
        ("2025Q3", datetime.date(2026, 1, 5), Decimal(3) / 12),  # a quarter: a quarter of the year
        ("2027", datetime.date(2026, 1, 5), None),  # not begun
        ("2024..2025", datetime.date(2026, 1, 5), None),  # targets are yearly
    ],
)
def test_the_share_of_a_yearly_target_due(text, today, share):
    assert expected_share(parse_period(text), today) == share


def test_levels():
    assert level_of(Decimal("1.2")) == ON_TRACK and level_of(Decimal(1)) == ON_TRACK
    assert level_of(Decimal("0.8")) == NEAR and level_of(Decimal("0.79")) == BEHIND


@pytest.fixture
def lagging(net, analyst_wh, staff_qk, root_user):
    """2025: WH-QK reached its home-visit target and submitted one month; WH-BBT has a target of
    10 visits and none recorded; WH-HY has no target."""
    home_visit_create(user=staff_qk, **record_data("home-visits", net))
    target_set(user=analyst_wh, branch=net["WH-QK"], year=2025, metric="home_visits", value=Decimal(1))
    target_set(user=analyst_wh, branch=net["WH-BBT"], year=2025, metric="home_visits", value=Decimal(10))
    manager = net.user("manager_qk", "WH-QK", Role.BRANCH_MANAGER)
    submission_submit(user=manager, branch=net["WH-QK"], month=datetime.date(2025, 7, 1))
    return net


def test_children_show_their_standing_in_words_and_colour(client, lagging, analyst_wh):
    client.force_login(analyst_wh)
    html = client.get(dashboard_url("WH", "2025")).content.decode()
    qk, bbt, hy = row_of(html, "WH-QK"), row_of(html, "WH-BBT"), row_of(html, "WH-HY")
    assert 'data-attainment="on_track"' in qk and str(LEVEL_LABELS[ON_TRACK]) in qk
    assert 'data-attainment="behind"' in bbt and str(LEVEL_LABELS[BEHIND]) in bbt
    assert 'data-attainment=""' in hy  # no target: no standing, a dash
    # The cell of the metric behind its target is marked, with the word for screen readers.
    assert re.search(r'class="num att-behind[^"]*" data-metric="home_visits"', bbt)
    # Submissions: 1 of the 12 months of 2025 (all ended), so behind.
    assert 'data-submissions="behind"' in qk and "1/12" in qk
    # A legend names every level.
    legend = html[html.index('id="standing-legend"') :][:2000]
    for label in LEVEL_LABELS.values():
        assert str(label) in legend


def test_sorting_by_standing_puts_who_lags_first(client, lagging, analyst_wh):
    client.force_login(analyst_wh)
    html = client.get(dashboard_url("WH", "2025")).content.decode()
    # The column's link sorts lowest first.
    assert "sort=attainment" in html and "sort=submissions" in html
    by_targets = list(child_rows(client.get(dashboard_url("WH", "2025", sort="attainment")).content.decode()))
    assert by_targets[:2] == ["WH-BBT", "WH-QK"] and by_targets[-1] == "WH-HY"  # without target last
    reverse = list(child_rows(client.get(dashboard_url("WH", "2025", sort="-attainment")).content.decode()))
    assert reverse[0] == "WH-HY"
    by_submissions = list(child_rows(client.get(dashboard_url("WH", "2025", sort="submissions")).content.decode()))
    assert by_submissions[-1] == "WH-QK"  # the only one that submitted anything


def test_the_name_column_is_sticky_and_phones_see_fewer_columns(client, lagging, analyst_wh):
    client.force_login(analyst_wh)
    html = client.get(dashboard_url("WH", "2025")).content.decode()
    qk = row_of(html, "WH-QK")
    assert re.search(r'<th scope="row" class="[^"]*sticky-col"', qk)
    # The metric with a target comes first and stays on a phone; most others are extra columns.
    cells = re.findall(r'<td class="num([^"]*)" data-metric="(\w+)"', qk)
    assert cells[0][1] == "home_visits" and "col-extra" not in cells[0][0]
    assert sum("col-extra" in css for css, _key in cells) == len(cells) - 3
    assert 'id="children-all-columns"' in html  # a switch shows every column


def test_figures_with_targets_come_first_and_empty_ones_are_folded(client, lagging, analyst_wh):
    client.force_login(analyst_wh)
    html = client.get(dashboard_url("WH-QK", "2025")).content.decode()
    shown, _sep, folded = html.partition('class="figures-folded')
    cards = re.findall(r'class="card figure-card[^"]*" data-metric="(\w+)"', shown)
    assert cards[0] == "home_visits"
    folded_cards = re.findall(r'class="card figure-card[^"]*" data-metric="(\w+)" data-value="0"', folded)
    assert folded_cards and "home_visits" not in folded_cards
    assert all(
        re.search(rf'data-metric="{key}" data-value="0(\.0+)?" data-previous="0?(\.0+)?"', folded)
        for key in folded_cards
    )
    # The target card says where it stands, in words.
    assert str(LEVEL_LABELS[ON_TRACK]) in html[html.index('data-metric="home_visits"') :][:3000]
