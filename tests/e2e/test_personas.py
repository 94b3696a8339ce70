"""Each demo persona's journeys, at phone and desktop size, with axe-core's result asserted on
every page they visit (0 serious or critical violations):

- outlet staff log each kind they may log, one tap from their home page each time (a home
  visit names two staff members); the love station's clerk counts on the tally;
- a branch manager submits a month from their home page, and an analyst above approves it from
  theirs (the four-eyes rule: the submitter is not offered the approval);
- outlet staff open a record of that approved month: read-only, no live save button, and a
  request to reopen that reaches the approvers;
- head office finds WH's lagging branches from their home page and on the dashboard.

`make e2e` leaves a full-page screenshot of each persona's home page and of WH's dashboard at
both sizes in test-artifacts/personas/ for review (not committed).

One site (one demo load) per test; the sizes run inside each test, in the same browser.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from branches.models import Branch
from core.kinds import kind_for_slug
from metrics.models import Submission
from reminders.models import Notification
from tests.e2e.axe import assert_accessible
from tests.e2e.steps import (
    approve_month,
    fill_record_form,
    go_home,
    menu_link,
    path_of,
    quick_add,
    save_record_form,
    submit_month,
)

pytestmark = pytest.mark.e2e

SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "personas"
# Reduced motion: axe reads colours after a click with no transition half-way (a hovered
# button fading from outline to filled would read as low contrast for a moment).
SIZES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "reduced_motion": "reduce",
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}, "reduced_motion": "reduce"},
}


def checked(page, what: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    page.wait_for_load_state("load")
    assert_accessible(page, label=what)


def home_shot(page, persona: str, size: str) -> None:
    """The persona's home page, checked and photographed for review."""
    go_home(page)
    checked(page, f"home of {persona} ({size})")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{persona}-{size}-home.png"), full_page=True)


def test_outlet_staff_log_every_kind_from_their_home_page(browse):
    for size, options in SIZES.items():
        page = browse.login("staff_qk", **options)
        home_shot(page, "staff_qk", size)
        slugs = page.locator(".quick-add-button").evaluate_all("els => els.map(e => e.dataset.kind)")
        assert "home-visits" in slugs and "love-station-tallies" not in slugs, slugs
        for slug in slugs:
            kind = kind_for_slug(slug)
            before = kind.model.objects.count()
            quick_add(page, slug)  # one tap from home
            checked(page, f"new {slug} as staff_qk ({size})")
            fill_record_form(page, kind, staff=2)
            save_record_form(page, kind)
            checked(page, f"{slug} detail as staff_qk ({size})")
            assert kind.model.objects.count() == before + 1
            go_home(page)
        visit = kind_for_slug("home-visits").model.objects.filter(created_by__username="staff_qk").latest("pk")
        assert visit.staff.count() == 2  # the two-person rule of home visits

    for size, options in SIZES.items():
        clerk = browse.login("staff_hy", **options)
        home_shot(clerk, "staff_hy", size)
        # The tally is the clerk's work page, one tap from home.
        with clerk.expect_navigation():
            clerk.locator(f".work-pages a[href='{reverse('services:love-station-tally')}']").click()
        cell_id = clerk.locator(".tally-cell").first.get_attribute("id")
        cell = clerk.locator(f"#{cell_id}")  # htmx swaps the cell for the saved one after a tap
        checked(clerk, f"tally as staff_hy ({size})")
        count = int(cell.locator(".tally-count").get_attribute("data-count"))
        with clerk.expect_response(lambda r: r.request.method == "POST" and r.ok):
            cell.locator("button.tally-button").click()
        expect(cell.locator(".tally-count")).to_have_attribute("data-count", str(count + 1))
        checked(clerk, f"tally after a tap as staff_hy ({size})")
        # The love-station record form is a quick-add button too.
        go_home(clerk)
        quick_add(clerk, "love-station-tallies")
        checked(clerk, f"new love-station tally as staff_hy ({size})")


def test_a_month_is_submitted_and_approved_by_two_people_and_then_locks_its_records(browse):
    qk = Branch.objects.get(code="WH-QK")
    for size, options in SIZES.items():
        manager = browse.login("manager_qk", **options)
        home_shot(manager, "manager_qk", size)
        # The manager's oldest month to submit, from the home page.
        first = manager.locator(".home-to-submit li a").first
        label = first.inner_text()
        assert label.startswith(f"{qk.name} · "), label
        month = label.split(" · ")[1]
        with manager.expect_navigation():
            first.click()
        assert path_of(manager) == reverse("submissions:month", args=["WH-QK", month])
        checked(manager, f"month {month} as manager_qk ({size})")
        submit_month(manager, "WH-QK", month)
        checked(manager, f"submitted month as manager_qk ({size})")
        # The four-eyes rule: the one who submitted is not offered the approval.
        approve = f"form[action='{reverse('submissions:approve', args=['WH-QK', month])}']"
        assert manager.locator(approve).count() == 0
        go_home(manager)
        assert month not in [t.split(" · ")[-1] for t in manager.locator(".home-to-submit li a").all_inner_texts()]

        analyst = browse.login("analyst_wh", **options)
        go_home(analyst)
        waiting = analyst.locator(".home-to-approve li a", has_text=f"{qk.name} · {month}")
        with analyst.expect_navigation():
            waiting.click()
        checked(analyst, f"month {month} to approve as analyst_wh ({size})")
        approve_month(analyst, "WH-QK", month)
        checked(analyst, f"approved month as analyst_wh ({size})")
        sub = Submission.objects.get(branch__code="WH-QK", month=f"{month}-01")
        assert sub.status == "approved"
        assert sub.submitted_by.username == "manager_qk" and sub.decided_by.username == "analyst_wh"

        # The outlet's staff open a record of that month to correct it: read-only, asking to reopen.
        staff = browse.login("staff_qk", **options)
        kind = kind_for_slug("home-visits")
        record = kind.model.objects.filter(branch__code="WH-QK-01", occurred_on__startswith=month).first()
        assert record is not None, f"the demo has no home visit at WH-QK-01 in {month}"
        staff.goto(reverse("services:home-visits-edit", args=[record.pk]))
        assert path_of(staff) == record.get_absolute_url()  # the record's page, not a form
        checked(staff, f"locked record as staff_qk ({size})")
        assert month in staff.locator(".period-locked").inner_text()
        assert staff.locator("form.record-form").count() == 0
        assert staff.locator("main button[type=submit]", has_text="保存").count() == 0
        assert staff.locator(f"main a[href='{reverse('services:home-visits-edit', args=[record.pk])}']").count() == 0
        with staff.expect_navigation():
            staff.locator("form.request-reopen button[type=submit]").click()
        assert staff.locator(".alert-success").count() == 1
        checked(staff, f"reopen requested as staff_qk ({size})")
        asked = Notification.objects.filter(kind="reopen_requested", user__username="analyst_wh", params__month=month)
        assert asked.count() == 1
        # The approver finds the request on their home page; it leads to the month to reopen.
        go_home(analyst)
        with analyst.expect_navigation():
            analyst.locator(".home-overdue li a", has_text=month).first.click()
        assert path_of(analyst) == reverse("submissions:month", args=["WH-QK", month])
        assert analyst.locator(f"form[action='{reverse('submissions:reopen', args=['WH-QK', month])}']").count() == 1


def test_head_office_finds_the_lagging_branches_of_wh(browse):
    for size, options in SIZES.items():
        page = browse.login("analyst_wh", **options)
        home_shot(page, "analyst_wh", size)
        behind = page.locator(".home-lagging tbody tr")
        assert behind.count() >= 1
        lagging = behind.locator("th a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        menu_link(page, reverse("dashboard:home"))  # the dashboard of their top node
        assert path_of(page) == reverse("dashboard:node", args=["WH"])
        checked(page, f"WH dashboard as analyst_wh ({size})")
        table = page.locator("table.children-table")
        with page.expect_navigation():
            table.locator("thead a[href*='sort=attainment']").click()
        checked(page, f"WH dashboard sorted by attainment ({size})")
        first = table.locator("tbody tr").first
        first.scroll_into_view_if_needed()  # laid out once near the screen (content-visibility)
        assert first.get_attribute("data-attainment") == "behind"
        # Words, not colour alone (the text as shown: innerText, once the table is laid out).
        expect(first.locator("[data-standing=attainment]")).to_contain_text("落后", use_inner_text=True)
        assert first.locator("th a").first.get_attribute("href").split("?")[0] in lagging  # named at home too
        # The submissions grid keeps one line per branch (it scrolls sideways on a phone).
        heights = page.locator(".completeness-table tr").evaluate_all(
            "rows => rows.map(r => r.getBoundingClientRect().height)"
        )
        assert heights and max(heights) < 48, heights
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"dashboard-WH-{size}.png"), full_page=True)

    for persona in ("manager_bbt", "analyst_hq", "admin"):
        for size, options in SIZES.items():
            page = browse.login(persona, **options)
            home_shot(page, persona, size)
