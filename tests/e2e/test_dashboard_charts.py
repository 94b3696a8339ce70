"""The head office opens its dashboard: every chart is drawn by the ECharts bundle built from npm
(only the parts the dashboards use), with its tooltips and legend, and no script error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.e2e

OPTIONS = """() => [...document.querySelectorAll('.chart')].map(el => {
    const option = window.echarts.getInstanceByDom(el).getOption();
    return {
        trend: el.dataset.trend || null,
        split: el.dataset.split || null,
        series: option.series.map(s => s.type),
        legend: (option.legend || []).length,
        tooltip: (option.tooltip || []).length,
        grid: (option.grid || []).length,
        xAxis: (option.xAxis || []).map(a => a.type),
        canvas: !!el.querySelector('canvas'),
    };
})"""


def test_head_office_dashboard_draws_every_chart_with_the_built_bundle(browse):
    analyst = browse.login("analyst_hq")
    scripts = []
    analyst.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))
    analyst.goto(reverse("dashboard:node", args=["ICBC"]))
    # dashboard.js marks the page when ECharts has finished drawing every chart.
    analyst.locator("html[data-charts-drawn]").wait_for(state="attached")
    drawn = analyst.locator("html").get_attribute("data-charts-drawn")
    charts = analyst.evaluate(OPTIONS)
    assert int(drawn) == len(charts) > 3
    assert analyst.evaluate("performance.getEntriesByName('charts-drawn').length") == 1
    assert any(url.endswith("/static/vendor/echarts/echarts-portal.min.js") for url in scripts), scripts
    assert not [url for url in scripts if "echarts.min.js" in url]

    trends = [c for c in charts if c["trend"]]
    splits = [c for c in charts if c["split"]]
    assert trends and splits and all(c["canvas"] for c in charts)
    # Parts ECharts was not built with would be dropped from the option without a word.
    for chart in trends:
        assert chart["series"][0] == "bar" and set(chart["series"]) <= {"bar", "line"}
        assert chart["legend"] == chart["tooltip"] == chart["grid"] == 1 and chart["xAxis"] == ["category"]
    assert any("line" in chart["series"] for chart in trends)  # the previous year, dashed
    for chart in splits:
        assert chart["series"] == ["pie"] and chart["tooltip"] == 1

    # The axis tooltip opens on the first trend chart (drawn on the canvas: the CSP allows no
    # style attributes in markup, which ECharts' HTML tooltips write; the journey fails on any).
    first = analyst.locator(".chart[data-trend]").first
    first.scroll_into_view_if_needed()
    first.evaluate("el => { el.tips = []; window.echarts.getInstanceByDom(el).on('showTip', e => el.tips.push(e)); }")
    box = first.bounding_box()
    analyst.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    analyst.wait_for_function("el => el.tips.length > 0", arg=first.element_handle())
    assert (
        first.evaluate("el => window.echarts.getInstanceByDom(el).getModel().getComponent('tooltip').get('renderMode')")
        == "richText"
    )

    # Another metric in the chooser redraws the chart below it.
    select = analyst.locator("select[data-trend-select]")
    other = select.locator("option").nth(1).get_attribute("value")
    select.select_option(other)
    assert analyst.locator("#trend-any").get_attribute("data-trend") == other
    assert (
        analyst.evaluate(
            "() => window.echarts.getInstanceByDom(document.getElementById('trend-any')).getOption().series[0].data.length"
        )
        > 0
    )
