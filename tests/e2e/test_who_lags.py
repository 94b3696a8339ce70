"""Head office finds the lagging branches of WH: picks a period with the picker, sorts the
sub-branches by standing, reads the words (not only the colours); on a phone the table is
compact with a sticky name column and a switch for every column. Screenshots of the WH
dashboard at both sizes go to test-artifacts/ for review."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SHOTS = Path(settings.BASE_DIR) / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def pick_year(page, year: str) -> None:
    page.locator("label[for='period-shape_0']").click()  # 年度
    page.select_option("#period-year", year)
    with page.expect_navigation():
        page.locator("form.period-picker button[type=submit]").click()
    assert page.locator("form.period-picker").get_attribute("data-period") == year


def test_analyst_finds_who_lags_at_desktop_size(browse):
    page = browse.login("analyst_wh", viewport={"width": 1366, "height": 900})
    page.goto(reverse("dashboard:node", args=["WH"]))
    # A range through the picker: only the range's fields show once "区间" is chosen.
    page.locator("label[for='period-shape_3']").click()
    assert page.locator("#period-start").is_visible() and not page.locator("#period-quarter").is_visible()
    page.fill("#period-start", "2021-01")
    page.fill("#period-end", "2025-12")
    with page.expect_navigation():
        page.locator("form.period-picker button[type=submit]").click()
    assert "period=2021..2025" in page.url
    assert page.locator("#trends-heading").inner_text().count("2016") >= 1  # compared with 2016..2020

    pick_year(page, "2026")
    table = page.locator("table.children-table")
    with page.expect_navigation():
        table.locator("thead a[href*='sort=attainment']").click()
    first = table.locator("tbody tr").first
    # The reader scrolls down to the table: only then is it laid out (content-visibility), and
    # its text is what the page shows.
    first.scroll_into_view_if_needed()
    assert first.get_attribute("data-attainment") == "behind"
    expect(first.locator("[data-standing=attainment]")).to_contain_text("落后", use_inner_text=True)
    assert page.locator("#standing-legend").inner_text().count("落后") == 1
    # The name column stays in view when the wide table scrolls sideways.
    scroller = page.locator(".children-scroll")
    scroller.evaluate("el => el.scrollLeft = 2000")
    box, name = scroller.bounding_box(), first.locator("th.sticky-col").bounding_box()
    assert abs(name["x"] - box["x"]) < 2
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-WH-desktop.png"), full_page=True)


def test_the_table_is_compact_on_a_phone(browse):
    page = browse.login("analyst_wh", **PHONE)
    page.goto(reverse("dashboard:node", args=["WH"]) + "?period=2026&sort=attainment")
    row = page.locator("table.children-table tbody tr").first
    visible = [c for c in row.locator("td.num").all() if c.is_visible()]
    assert 1 <= len(visible) <= 3
    page.locator("label[for='children-all-columns']").click()
    assert len([c for c in row.locator("td.num").all() if c.is_visible()]) > 10
    SHOTS.mkdir(exist_ok=True)
    page.locator("label[for='children-all-columns']").click()
    page.screenshot(path=str(SHOTS / "dashboard-WH-phone.png"), full_page=True)
