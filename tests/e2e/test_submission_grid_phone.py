"""On a phone the year grid scrolls sideways with the branch column kept in view, never wrapped one
character a line; dashboard charts use one unit per axis and whole ticks for counts."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_the_year_grid_on_a_phone_keeps_branch_names_readable(browse):
    manager = browse.login("manager_qk", **PHONE)
    manager.goto(reverse("submissions:year", args=["WH-QK", 2025]))
    first = manager.locator("table.year-grid tbody th.branch-col").first
    box = first.bounding_box()
    assert box["width"] >= 120  # not squeezed to one character a line
    line = float(first.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24"))
    assert box["height"] <= 3 * line
    assert first.evaluate("e => getComputedStyle(e).position") == "sticky"
    scroller = manager.locator(".completeness-scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # the months scroll sideways
    scroller.evaluate("e => { e.scrollLeft = 400; }")
    after = first.bounding_box()
    assert abs(after["x"] - box["x"]) < 2  # the branch column stays in view


def test_chart_axes_have_one_unit_and_whole_ticks_for_counts(browse):
    analyst = browse.login("analyst_wh")
    analyst.goto(reverse("dashboard:node", args=["WH"]) + "?period=2025")
    analyst.locator(".chart[data-trend] canvas").first.wait_for()
    axes = analyst.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.chart[data-trend]')].map(el => {
            const y = window.echarts.getInstanceByDom(el).getOption().yAxis[0];
            return [el.dataset.trend, {name: y.name, minInterval: y.minInterval || 0}];
        }))"""
    )
    assert axes["home_visits"]["minInterval"] == 1
    assert axes["financing_amount_cny"]["name"] in ("元", "万元", "亿元")
    assert axes["financing_amount_cny"]["minInterval"] == 0
