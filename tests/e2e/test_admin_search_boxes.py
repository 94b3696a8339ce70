"""The admin's relations are search boxes (Django's autocomplete, issue 19), and they work under
the portal's Content-Security-Policy: the journey fails on any console error, CSP reports included."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from branches.models import Branch, Staff
from demo.network import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def admin_login(browse):
    page = browse.new_page("admin")
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form input[type=submit]").click()
    assert page.url.endswith(reverse("admin:index")), page.url
    return page


def search_and_pick(page, field: str, text: str, option: str) -> None:
    """Open the search box beside the field, type, pick the option that reads `option`."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    choice = page.locator(".select2-results__option", has_text=option)
    expect(choice.first).to_be_visible()
    choice.first.click()


def test_the_administrator_adds_a_staff_member_picking_the_branch_by_search(browse):
    page = admin_login(browse)
    page.goto(reverse("admin:branches_staff_add"))
    assert page.locator("#id_branch option").count() <= 1  # no branch listed before a search
    search_and_pick(page, "branch", "QK-01", str(Branch.objects.get(code="WH-QK-01")))  # found by code
    page.fill("#id_name", "赵敏")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    staff = Staff.objects.get(name="赵敏")
    assert staff.branch.code == "WH-QK-01"


def test_the_home_visit_team_is_picked_by_search(browse):
    page = admin_login(browse)
    page.goto(reverse("admin:services_homevisit_add"))
    assert page.locator("#id_staff option").count() == 0
    someone = Staff.objects.filter(branch__code="WH-QK-01").order_by("pk").first()
    page.locator("#id_staff + .select2 .select2-search__field").fill(someone.name)
    expect(page.locator(".select2-results__option", has_text=someone.name).first).to_be_visible()
    page.locator(".select2-results__option", has_text=someone.name).first.click()
    assert page.locator("#id_staff").evaluate("s => [...s.selectedOptions].map(o => o.value)") == [str(someone.pk)]
