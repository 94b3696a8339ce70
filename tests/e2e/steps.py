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
    add_people(page, "id_staff", 2)
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


def add_people(page, field_id: str, n: int) -> None:
    """Add the first `n` staff a list of people offers (a home visit's team): focusing its search
    box lists the first matches; the arrow keys move to the next one not yet added, Enter adds it
    as a ticked checkbox (records/pages/choosers.py, SearchCheckboxes) and closes the list, which
    the arrow key opens again."""
    from playwright.sync_api import expect

    search = page.locator(f"#{field_id}_search")
    ticked = page.locator(f"#{field_id} input[type=checkbox]:checked")
    search.focus()
    for i in range(n):
        if i:
            search.press("ArrowDown")
        option = page.locator(f"#{field_id}_results [role=option]").nth(i)
        option.wait_for()
        for _ in range(25):
            if option.get_attribute("aria-selected") == "true":
                break
            search.press("ArrowDown")
        search.press("Enter")
        expect(ticked).to_have_count(i + 1)


def go_home(page) -> None:
    """The portal's name in the menu bar leads home (on a phone too: it stays outside the menu)."""
    if path_of(page) != "/":
        with page.expect_navigation():
            page.locator("a.navbar-brand").click()
    assert path_of(page) == "/", page.url


def quick_add(page, slug: str) -> None:
    """One tap on the home page's button for a kind opens its new-record form."""
    with page.expect_navigation():
        page.locator(f".quick-add-button[data-kind='{slug}']").click()
    assert path_of(page).endswith("/new/"), page.url


def fill_record_form(page, kind, *, staff: int = 2) -> None:
    """Fill the open new-record form with the kind's sample entry (core.kinds.Sample.form); a
    list of people (a home visit's staff, a session's participants) gets the first `staff` its
    chooser offers; a required chooser still empty (an activity's partnership) takes its first match."""
    for name, value in kind.sample.form.items():
        field = page.locator(f"form.record-form #id_{name}")
        tag = field.evaluate("e => e.tagName")
        if tag == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    for people in page.locator("form.record-form .search-checkboxes .search-select-chosen").all():
        add_people(page, people.get_attribute("id"), staff)
    for search in page.locator("form.record-form .search-select:not([data-multiple]) input[id$='_search']").all():
        field_id = search.get_attribute("id").removesuffix("_search")
        chosen = page.locator(f"#{field_id}")
        if chosen.input_value() or not chosen.evaluate("e => e.required"):
            continue  # chosen already (a single branch in scope), or optional
        search.focus()  # lists the first matches
        page.locator(f"#{field_id}_results [role=option]").first.wait_for()
        search.press("ArrowDown")
        search.press("Enter")
        assert chosen.input_value(), f"nothing chosen in #{field_id}"


def save_record_form(page, kind) -> int:
    """Save the form; it must land on the new record's page. Returns the record's id."""
    with page.expect_navigation():
        page.locator("form.record-form button[type=submit]").click()
    match = re.match(rf"^{re.escape(kind.url('list'))}(\d+)/$", path_of(page))
    errors = page.locator("form.record-form .invalid-feedback, form.record-form .alert-danger").all_inner_texts()
    assert match, f"the {kind.slug} form did not save: still at {page.url}: {errors}"
    return int(match.group(1))


def submit_month(page, code: str, month: str) -> None:
    """On the month's page, submit it."""
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('submissions:submit', args=[code, month])}'] button").first.click()
    assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()


def approve_month(page, code: str, month: str) -> None:
    """On the month's page, approve it; what the approver can do next is reopen it."""
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('submissions:approve', args=[code, month])}'] button").click()
    assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()
    assert page.locator(f"form[action='{reverse('submissions:reopen', args=[code, month])}']").count() == 1


def menu_link(page, href: str) -> None:
    """Follow a link of the menu bar, opening the collapsed menu first on a phone."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show").wait_for()
    with page.expect_navigation():
        page.locator(f"#main-nav a[href='{href}']").first.click()
