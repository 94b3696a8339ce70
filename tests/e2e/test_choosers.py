"""Branch and staff choosers search on the server as you type (issue 19), by keyboard, on any screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from branches.models import Branch, Staff
from services.models import HomeVisit
from tests.e2e.steps import DETAIL_PATH, choose, path_of

pytestmark = pytest.mark.e2e


def test_head_office_filters_a_list_by_a_branch_found_by_typing(browse):
    page = browse.login("analyst_hq")
    page.goto(reverse("services:home-visits-list"))
    page.locator("details.filters summary").click()
    assert page.locator("#id_branch option").count() == 1  # only the empty choice, never the tree
    choose(page, "id_branch", "bbt")
    assert page.locator("#id_branch").input_value() == "WH-BBT"
    with page.expect_navigation():
        page.locator("details.filters button[type=submit]").click()
    assert "branch=WH-BBT" in page.url


def test_a_manager_picks_the_outlet_of_a_new_record_on_a_phone(browse):
    page = browse.login("manager_qk", viewport={"width": 390, "height": 844}, has_touch=True)
    page.goto(reverse("services:home-visits-new"))
    assert page.locator("#id_branch option").count() <= 2  # the chosen branch (and the empty choice)
    choose(page, "id_branch", "QK-01")
    assert page.locator("#id_branch").input_value() == str(Branch.objects.get(code="WH-QK-01").pk)
    assert page.locator("#id_branch_search").get_attribute("aria-expanded") == "false"


def test_enter_typed_before_the_answer_takes_the_first_match(browse):
    page = browse.login("analyst_hq")
    page.goto(reverse("services:home-visits-list"))
    page.locator("details.filters summary").click()
    search = page.locator("#id_branch_search")
    search.type("bbt", delay=10)
    search.press("Enter")  # before the 200 ms pause has passed: nothing submitted, the match taken
    expect(page.locator("#id_branch option:checked")).to_contain_text("WH-BBT")
    assert "branch=" not in page.url


def test_outlet_staff_add_a_team_by_typing_names_and_untick_one(browse):
    """A home visit's team: nobody is listed until picked; each name found by typing is added as a
    ticked checkbox, unticking one leaves it out, and the plain form post saves the rest."""
    page = browse.login("staff_qk")
    page.goto(reverse("services:home-visits-new"))
    assert page.locator("#id_staff input[type=checkbox]").count() == 0  # never the scope's staff
    outlet = Staff.objects.filter(branch__code="WH-QK-01", is_active=True)
    names = [s.name for s in outlet.order_by("pk")]
    people = [s for s in outlet.order_by("pk") if names.count(s.name) == 1][:3]
    for person in people:
        choose(page, "id_staff", person.name)
    ticked = page.locator("#id_staff input[type=checkbox]:checked")
    expect(ticked).to_have_count(3)
    page.locator("#id_staff label", has_text=people[2].name).click()  # changed their mind
    expect(ticked).to_have_count(2)
    page.select_option("#id_customer_group", "elderly")
    page.fill("#id_customer_name_masked", "诸葛亮")
    page.select_option("#id_customer_age_band", "80_plus")
    page.select_option("#id_purpose", "pension")
    page.fill("#id_duration_minutes", "30")
    with page.expect_navigation():
        page.locator("form.record-form button[type=submit]").click()
    match = DETAIL_PATH.match(path_of(page))
    assert match, page.locator("main").inner_text()
    assert set(HomeVisit.objects.get(pk=match.group(1)).staff.all()) == set(people[:2])
