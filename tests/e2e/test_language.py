"""The footer's language selector switches the UI to English and back to Simplified Chinese."""

import pytest
from django.urls import reverse

from tests.e2e.steps import open_home_visits, path_of

pytestmark = pytest.mark.e2e


def choose_language(page, code: str) -> None:
    """Picking a language submits the form at once (portal.js); the same page comes back."""
    path = path_of(page)
    with page.expect_navigation():
        page.select_option("footer #language-select", code)
    assert path_of(page) == path


def test_switch_the_ui_to_english_and_back(browse):
    page = browse.login("staff_qk")  # a browser set to Chinese, as at the bank
    open_home_visits(page)
    heading = page.locator("main h1")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert heading.inner_text() == "上门服务"
    # The button exists for browsers without scripts; with portal.js the select submits itself.
    assert "visually-hidden" in page.locator("footer [data-autosubmit-fallback]").get_attribute("class")

    choose_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading.inner_text() == "Home visits"
    assert page.locator("footer label[for='language-select']").inner_text() == "Language"
    # The choice stays for the next page.
    page.goto(reverse("services:home-visits-new"))
    assert page.locator("label[for='id_customer_group']").text_content().strip() == "Customer group"

    choose_language(page, "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("label[for='id_customer_group']").text_content().strip() == "客户类别"
    page.goto(reverse("services:home-visits-list"))
    assert heading.inner_text() == "上门服务"
