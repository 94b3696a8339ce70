"""An analyst at the head office drills down to an outlet, sees a new home visit counted, exports XLSX."""

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.e2e.steps import path_of, record_home_visit

pytestmark = pytest.mark.e2e


def home_visits_figure(page) -> int:
    """The node's home-visit figure as the page states it (the card's machine-readable value)."""
    return int(page.locator(".figures [data-metric='home_visits']").get_attribute("data-value"))


def drill_to(page, code: str) -> None:
    """Click the sub-branch's row in the children table; its dashboard opens for the same period."""
    with page.expect_navigation():
        page.locator(f"table.children-table tr[data-child='{code}'] td a").click()
    assert path_of(page) == reverse("dashboard:node", args=[code])
    assert page.locator("h1 small").inner_text() == code


def test_analyst_drills_down_to_the_outlet_sees_the_new_visit_and_downloads_xlsx(browse, tmp_path):
    analyst = browse.login("analyst_hq")
    analyst.goto(reverse("dashboard:node", args=["ICBC"]))
    head_office_before = home_visits_figure(analyst)
    # The monthly trends are drawn by ECharts, served by the app from its npm package.
    analyst.locator(".chart[data-trend] canvas").first.wait_for()
    for code in ("HB", "WH", "WH-QK", "WH-QK-01"):
        drill_to(analyst, code)
    before = home_visits_figure(analyst)
    assert before > 0  # the demo's visits of the year so far
    period = analyst.locator("form.period-picker").get_attribute("data-period")

    # Meanwhile, at the outlet, a home visit is recorded.
    staff = browse.login("staff_qk")
    record_home_visit(staff, customer="司马光明")

    analyst.reload()
    assert home_visits_figure(analyst) == before + 1
    # The breadcrumb leads back up; the head office's figure counts it too.
    with analyst.expect_navigation():
        analyst.locator(f"nav .breadcrumb a[href^='{reverse('dashboard:node', args=['ICBC'])}']").click()
    assert home_visits_figure(analyst) == head_office_before + 1
    drill_to(analyst, "HB")
    for code in ("WH", "WH-QK", "WH-QK-01"):
        drill_to(analyst, code)

    with analyst.expect_download() as download_info:
        analyst.locator(f"a[href^='{reverse('dashboard:export-xlsx', args=['WH-QK-01'])}']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    workbook = load_workbook(saved, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert "WH-QK-01" in str(rows[0][0])  # a title row names the node, then the header row
    by_key = {row[1]: row for row in rows[2:] if row and row[1]}
    assert by_key["home_visits"][2] == before + 1
    assert period in str(rows[1][2])  # the figure column is headed with the period shown
