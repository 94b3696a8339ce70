"""The love-station clerk counts visitors on a phone: each tap is saved at once."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from branches.models import Branch
from core.periods import parse_period
from metrics.selectors import totals
from services.models import LoveStationTally
from tests.e2e.conftest import STATION_USER
from tests.e2e.steps import path_of

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}


def count_in(cell) -> int:
    return int(cell.locator(".tally-count").get_attribute("data-count"))


def test_love_station_tally_on_a_phone(browse):
    station = Branch.objects.get(code="WH-HY-01")
    today = timezone.localdate()
    month = parse_period(f"{today:%Y-%m}")
    visits_before = totals(station, month, ["love_station_visits"]).get("love_station_visits", 0)

    phone = browse.login(STATION_USER, **PHONE)
    # Records menu through the collapsed navbar (the hamburger) > love-station tally.
    phone.locator("button.navbar-toggler").tap()
    phone.locator("#nav-records").tap()
    with phone.expect_navigation():
        phone.locator(f"a.dropdown-item[href='{reverse('services:love-station-tally')}']").tap()
    # The clerk has one station: the tally of today opens at once.
    assert path_of(phone) == reverse("services:love-station-tally-day", args=[station.pk, today.isoformat()])
    # Made for the phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    cell = phone.locator("#tally-courier-water")
    before = count_in(cell)
    total_before = int(phone.locator("#tally-total").inner_text())
    plus = cell.locator("button.tally-button")
    box = plus.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 120  # a thumb hits it

    shown = cell.locator(".tally-count")  # htmx swaps the cell for the saved one after each tap
    for expected in (before + 1, before + 2):
        with phone.expect_response(lambda r: r.request.method == "POST" and r.ok):
            cell.locator("button.tally-button").tap()
        expect(shown).to_have_attribute("data-count", str(expected))
    expect(phone.locator("#tally-total")).to_have_text(str(total_before + 2))

    # One tap too many: −1 takes it back.
    with phone.expect_response(lambda r: r.request.method == "POST" and r.ok):
        cell.locator("button.tally-minus").tap()
    expect(shown).to_have_attribute("data-count", str(before + 1))
    expect(phone.locator("#tally-total")).to_have_text(str(total_before + 1))

    # Saved, not just shown: a reload shows it, and the roll-up store counts it.
    phone.reload()
    assert count_in(phone.locator("#tally-courier-water")) == before + 1
    row = LoveStationTally.objects.get(branch=station, occurred_on=today, visitor_group="courier", service="water")
    assert row.count == before + 1
    assert totals(station, month, ["love_station_visits"])["love_station_visits"] == visits_before + 1
