"""The dashboards over the article's demo network (load_demo)."""

import re

import pytest

from core.catalogue import METRICS
from dashboards.charts import SPLIT_CHARTS
from tests.dashboard.conftest import child_rows, dashboard_url, figures, previous_figures, targets_shown

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

WH_CHILDREN = ["WH-FTZ", "WH-QK", "WH-BBT", "WH-XBH", "WH-SGH", "WH-HY"]


def test_ftz_shows_the_article_figures_of_2025(demo_login):
    page = demo_login("analyst_wh").get(dashboard_url("WH-FTZ", "2025"))
    assert page.status_code == 200
    html = page.content.decode()
    shown = figures(html)
    assert shown["home_visits"] == "83"
    assert shown["outreach_events"] == "467"
    assert set(shown) == set(METRICS)  # one card per catalogue metric
    # The article's numbers as people read them on the page.
    assert re.search(r'data-metric="home_visits".*?<div class="value">83</div>', html, re.S)
    assert re.search(r'data-metric="outreach_events".*?<div class="value">467</div>', html, re.S)


def test_ftz_compares_with_a_year_earlier_and_shows_target_progress(demo_login):
    html = demo_login("analyst_wh").get(dashboard_url("WH-FTZ", "2025")).content.decode()
    assert previous_figures(html)["home_visits"] == "71"  # the illustrative 2024 figure
    assert previous_figures(html)["outreach_events"] == "402"
    assert "+16.9%" in html  # 83 against 71
    targets = targets_shown(html)
    assert targets["home_visits"] == "80.00" and targets["outreach_events"] == "450.00"
    assert "103.8%" in html  # 83 of 80, 467 of 450
    assert "financing_amount_cny" not in targets  # no target set: no progress


def test_a_quarter_counts_against_the_year_target(demo_login):
    html = demo_login("analyst_wh").get(dashboard_url("WH-FTZ", "2025Q3")).content.decode()
    assert targets_shown(html)["home_visits"] == "80.00"
    ranged = demo_login("analyst_wh").get(dashboard_url("WH-FTZ", "2024..2025")).content.decode()
    assert targets_shown(ranged) == {}  # a target is yearly: none for a two-year range
    assert figures(ranged)["home_visits"] == str(83 + 71)


def test_wh_lists_its_children_with_their_totals(demo_login):
    html = demo_login("analyst_wh").get(dashboard_url("WH", "2025")).content.decode()
    rows = child_rows(html)
    assert list(rows) == WH_CHILDREN
    assert rows["WH-FTZ"]["home_visits"] == "83"
    assert rows["WH-FTZ"]["outreach_events"] == "467"
    assert rows["WH-QK"]["home_visits"] == "56"
    assert rows["WH-BBT"]["home_visits"] == "212"
    assert rows["WH-BBT"]["volunteer_person_times"] == "520"
    assert rows["WH-XBH"]["financing_amount_cny"] == "400000000.00"
    assert "4亿元" in html
    # Each child drills down to its own dashboard for the same period.
    for code in WH_CHILDREN:
        assert f'href="/dashboard/{code}/?period=2025"' in html
    assert figures(html)["home_visits"] == str(sum(int(r["home_visits"]) for r in rows.values()))


def test_children_sort_by_any_metric_with_a_shareable_url(demo_login):
    client = demo_login("analyst_wh")
    by_visits = child_rows(client.get(dashboard_url("WH", "2025", sort="-home_visits")).content.decode())
    visits = [int(r["home_visits"]) for r in by_visits.values()]
    assert visits == sorted(visits, reverse=True) and list(by_visits)[0] == "WH-BBT"
    ascending = child_rows(client.get(dashboard_url("WH", "2025", sort="home_visits")).content.decode())
    assert [int(r["home_visits"]) for r in ascending.values()] == sorted(visits)
    by_code = child_rows(client.get(dashboard_url("WH", "2025", sort="-code")).content.decode())
    assert list(by_code) == sorted(WH_CHILDREN, reverse=True)
    # An unknown column keeps the tree order rather than failing.
    assert list(child_rows(client.get(dashboard_url("WH", "2025", sort="nonsense")).content.decode())) == WH_CHILDREN


def test_breadcrumbs_stop_at_the_users_scope(demo_login):
    html = demo_login("analyst_wh").get(dashboard_url("WH-QK-01", "2025")).content.decode()
    crumbs = html[html.index('class="breadcrumb') : html.index("</ol>")]
    assert 'href="/dashboard/WH/?period=2025"' in crumbs and 'href="/dashboard/WH-QK/?period=2025"' in crumbs
    assert "/dashboard/HB/" not in crumbs and "/dashboard/ICBC/" not in crumbs
    hq = demo_login("analyst_hq").get(dashboard_url("WH-QK-01", "2025")).content.decode()
    assert 'href="/dashboard/ICBC/?period=2025"' in hq[hq.index('class="breadcrumb') : hq.index("</ol>")]


def test_splits_are_labelled_with_the_choice_names(demo_login):
    response = demo_login("analyst_wh").get(dashboard_url("WH-FTZ", "2021..2025"))
    charts = response.context["charts"]
    sectors = next(s for s in charts["splits"] if s["metric"] == "financing_enterprises")
    assert {"name": "科技金融", "value": 388} in sectors["items"]  # the article's 388 tech enterprises
    html = response.content.decode()
    assert 'id="dashboard-data" type="application/json"' in html
    # ECharts as the bundle of the parts the dashboards use (npm run build), not the npm package's full build.
    assert "vendor/echarts/echarts-portal.min.js" in html and "portal/dashboard.js" in html
    assert "echarts.min.js" not in html
    assert {s["metric"] for s in charts["splits"]} <= {metric for metric, _dim in SPLIT_CHARTS}
    assert len(charts["months"]) == 60 and len(charts["metrics"]["home_visits"]["current"]) == 60


def test_monthly_trend_adds_up_to_the_total(demo_login):
    charts = demo_login("analyst_wh").get(dashboard_url("WH-FTZ", "2025")).context["charts"]
    visits = charts["metrics"]["home_visits"]
    assert charts["months"][0] == "2025-01" and len(charts["months"]) == 12
    assert sum(visits["current"]) == 83 and sum(visits["previous"]) == 71


def test_completeness_of_the_children(demo_login):
    response = demo_login("analyst_wh").get(dashboard_url("WH", "2025"))
    completeness = response.context["completeness"]
    assert [row["branch"].code for row in completeness["rows"]] == sorted(WH_CHILDREN)
    assert completeness["expected"] == 6 * 12
    # January to October are approved for every child in the demo.
    assert all(row["complete"] >= 10 for row in completeness["rows"])
    html = response.content.decode()
    assert html.count('data-completeness="') == 6


def test_notable_records_show_the_police_attended_case_and_honours(demo_login):
    response = demo_login("analyst_wh").get(dashboard_url("WH-QK-01", "2025"))
    notable = response.context["notable"]
    case = notable["interventions"][0].record
    assert case.get_fraud_type_display() == "高息理财" and case.status == "police_attended"
    titles = [item.record.title for item in notable["honours"]]
    assert titles and len(titles) <= 8
    # The commendation letter outranks the customers' praise tickets.
    assert notable["honours"][0].record.kind == "commendation_letter"
    assert notable["honours"][-1].record.kind == "praise_ticket"


@pytest.mark.parametrize("period", ["2025", "2025Q3", "2025q3", "2025-08", "2021..2025", "2025-01..2025-06"])
def test_every_period_form(demo_login, period):
    response = demo_login("analyst_hq").get(dashboard_url("WH", period))
    assert response.status_code == 200
    assert response.context["period"].text == period.upper()


def test_a_range_is_compared_with_the_preceding_range_of_the_same_length(demo_login, demo):
    from core.periods import parse_period
    from metrics.selectors import totals

    html = demo_login("analyst_wh").get(dashboard_url("WH-FTZ", "2024Q3..2025Q2")).content.decode()
    before = parse_period("2023Q3..2024Q2")
    assert before.label() in html
    assert parse_period("2024Q2..2025Q1").label() not in html  # not the overlapping year-earlier range
    expected = totals(demo["WH-FTZ"], before)
    shown = previous_figures(html)
    assert shown["home_visits"] == str(expected["home_visits"])
    assert shown["outreach_events"] == str(expected["outreach_events"])
