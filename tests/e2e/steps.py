"""Steps several journeys share, done the way a person does them: through links, forms and buttons."""

import re
from urllib.parse import urlsplit

from django.urls import reverse

DETAIL_PATH = re.compile(r"^/services/home-visits/(\d+)/$")


def path_of(page) -> str:
    return urlsplit(page.url).path


def open_home_visits(page) -> None:
    """Records menu > home visits (the menu is Bootstrap's dropdown, so its script must work)."""
    page.locator("#nav-records").click()
    page.locator(f"a.dropdown-item[href='{reverse('services:home-visits-list')}']").click()
    page.wait_for_url(f"**{reverse('services:home-visits-list')}")


def record_home_visit(page, *, customer="欧阳娜娜", photo=None, notes="") -> int:
    """Fill in the new home-visit form as outlet staff do; returns the new record's id."""
    open_home_visits(page)
    page.locator(f"main a[href='{reverse('services:home-visits-new')}']").click()
    page.select_option("#id_customer_group", "elderly")
    page.fill("#id_customer_name_masked", customer)
    page.select_option("#id_customer_age_band", "80_plus")
    page.select_option("#id_purpose", "pension")
    for box in page.locator("#id_staff input[type=checkbox]").all()[:2]:
        box.check()
    page.fill("#id_duration_minutes", "45")
    if notes:
        page.fill("#id_notes", notes)
    if photo is not None:
        page.set_input_files("#id_photos", str(photo))
    with page.expect_navigation():
        page.locator("form.record-form button[type=submit]").click()
    match = DETAIL_PATH.match(path_of(page))
    assert match, f"the form did not save: still at {page.url}\n{page.locator('main').inner_text()}"
    return int(match.group(1))


def choose(page, field_id: str, text: str) -> None:
    """Type into a chooser's search box (records/pages/choosers.py), move to the first match
    with the arrow key, press Enter."""
    from playwright.sync_api import expect

    search = page.locator(f"#{field_id}_search")
    search.fill(text)
    expect(page.locator(f"#{field_id}_results [role=option]").first).to_contain_text(text, ignore_case=True)
    search.press("ArrowDown")
    search.press("Enter")
