"""Every page type passes axe-core (WCAG 2.1 A/AA: no serious or critical violation) at desktop
and phone sizes, for the persona who uses it; the skip link comes first; tap targets of the
love-station tally are at least 44 px and name their visitor group."""

import pytest
from django.urls import reverse

from services.models import HomeVisit
from tests.e2e.axe import assert_accessible, axe_violations, describe, tap_target_sizes
from tests.e2e.conftest import STATION_USER

pytestmark = pytest.mark.e2e

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}


def pages_by_persona() -> dict[str, dict[str, str]]:
    """{persona: {page type: path}}: every page type, opened by the persona who works there."""
    visit = HomeVisit.objects.filter(branch__code="WH-QK-01").order_by("-occurred_on").first()
    return {
        "staff_qk": {
            "home": "/",
            "record list": reverse("services:home-visits-list"),
            "record form": reverse("services:home-visits-new"),
            "record detail": reverse("services:home-visits-detail", args=[visit.pk]),
            "follow-ups": reverse("services:home-visit-follow-ups"),
            "ledgers": reverse("ledgers:index"),
            "reminders": reverse("reminders:list"),
            "error page": "/no/such/page/",
        },
        "manager_qk": {
            "home": "/",
            "submissions": reverse("submissions:index"),
            "submissions year": reverse("submissions:year", args=["WH-QK", 2025]),
        },
        "analyst_wh": {
            "home": "/",
            "dashboard": reverse("dashboard:node", args=["WH"]) + "?period=2025",
            "reports": reverse("reports:index"),
            "highlights report": reverse("reports:highlights", args=["WH"]) + "?year=2025",
        },
        STATION_USER: {"tally": reverse("services:love-station-tally")},
    }


def expected_404(browse, page, path: str) -> None:
    """The browser logs a 404 answer as a console error: expected for the error page's visit."""
    for watched in browse.watched:
        if watched.page is page:
            watched.console_errors[:] = [e for e in watched.console_errors if not ("404" in e and path in e)]


def check(page, where: str, found: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    blocking = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    if blocking:
        found.append(f"{where}:\n{describe(blocking)}")


@pytest.mark.parametrize("size", SIZES)
def test_every_page_type_has_no_serious_axe_violation(browse, size):
    found: list[str] = []
    anonymous = browse.new_page(f"anonymous-{size}", **SIZES[size])
    anonymous.goto("/accounts/login/")
    check(anonymous, f"login ({size})", found)
    anonymous.goto("/no/such/page/")
    check(anonymous, f"error page, signed out ({size})", found)
    expected_404(browse, anonymous, "/no/such/page/")
    for persona, pages in pages_by_persona().items():
        page = browse.login(persona, **SIZES[size])
        for kind, path in pages.items():
            response = page.goto(path)
            assert response.status == (404 if kind == "error page" else 200), f"{persona} {path}: {response.status}"
            check(page, f"{kind} {path} as {persona} ({size})", found)
            if kind == "error page":
                expected_404(browse, page, path)
        if size == "phone":  # the menu opened, as a phone user sees it
            page.goto("/")
            page.locator(".navbar-toggler").click()
            page.locator("#main-nav.show").wait_for()
            check(page, f"open menu as {persona} ({size})", found)
    assert not found, "axe (WCAG 2.1 AA) found:\n" + "\n".join(found)


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(browse):
    page = browse.login("staff_qk", **SIZES["desktop"])
    page.goto(reverse("services:home-visits-list"))
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent.trim()]")
    assert focused == ["skip-link", "跳到主要内容"]
    assert page.locator(".skip-link").is_visible()  # shown while focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_menu_links_on_the_red_bar_reach_4_5_to_1(browse):
    page = browse.login("analyst_wh", **SIZES["desktop"])
    ratios = page.eval_on_selector_all(
        ".navbar .nav-link, .navbar .navbar-brand, .navbar .navbar-text",
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const lum = c => { const [r, g, b] = c.match(/[0-9.]+/g).map(Number);
              const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
            const style = getComputedStyle(e);
            const fg = lum(style.color), bg = lum(getComputedStyle(e.closest('.navbar')).backgroundColor);
            const alpha = style.color.startsWith('rgba') ? Number(style.color.match(/[0-9.]+/g)[3]) : 1;
            return [e.textContent.trim(), alpha, (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05)];
        })""",
    )
    assert ratios
    for text, alpha, ratio in ratios:
        assert alpha == 1 and ratio >= 4.5, f"{text!r}: {ratio:.2f}:1 (alpha {alpha})"


def test_tally_buttons_are_44_px_and_name_their_visitor_group(browse):
    phone = browse.login(STATION_USER, **SIZES["phone"])
    phone.goto(reverse("services:love-station-tally"))
    phone.locator(".tally-button").first.wait_for()
    plus = phone.locator("section.tally-group").first.locator(".tally-button").first
    phone.locator(".tally-button").first.tap()
    minus = phone.locator("section.tally-group").first.locator(".tally-minus").first
    minus.wait_for()
    expect_enabled(minus)
    sizes = tap_target_sizes(phone, ".tally-button, .tally-minus")
    assert sizes
    small = [(label, w, h) for label, w, h in sizes if w < 44 or h < 44]
    assert not small, small
    labels = [label for label, _w, _h in sizes]
    assert len(set(labels)) == len(labels), "every tally button names its own group and service"
    group = phone.locator("section.tally-group").first.locator(".card-header strong").inner_text()
    service = plus.locator(".tally-label").inner_text()
    # The names as a screen reader reads them: the group, the service, then the count or −1.
    assert " ".join(plus.text_content().split()) == f"{group} · {service} 1 加 1"
    assert " ".join(minus.text_content().split()) == f"{group} · {service} −1"
    assert_accessible(phone, label="tally after a tap")


def expect_enabled(locator) -> None:
    from playwright.sync_api import expect

    expect(locator).to_be_enabled()
