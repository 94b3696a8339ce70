"""Branch choosers search on the server as you type (issue 19), by keyboard, on any screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from branches.models import Branch
from tests.e2e.steps import choose

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
