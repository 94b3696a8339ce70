"""axe-core (npm, pinned in package.json) run inside a journey's page: the WCAG 2.1 A/AA rules.

The script comes from node_modules, is never served by the portal and never named by a
template. Playwright's add_script_tag(path=...) would inline it, which the portal's
Content-Security-Policy (script-src 'self') refuses, and turning the policy off (bypass_csp)
would hide the CSP violations the journeys watch for; so its source is evaluated through the
DevTools protocol, which the page's policy does not govern. Any journey may call
`assert_accessible(page)` on the page it shows.
"""

import functools
from pathlib import Path

from django.conf import settings

AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page, *, tags=WCAG_TAGS) -> list[dict]:
    """axe's violations on the page as it is now (the WCAG 2.1 A and AA rules)."""
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"axe-core is missing at {AXE_SCRIPT}: run `make deps` (npm ci)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        tags,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_accessible(page, *, label: str = "") -> None:
    """No serious or critical axe violation on the page (WCAG 2.1 AA)."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, f"axe found on {label or page.url}:\n{describe(blocking)}"


def tap_target_sizes(page, selector: str) -> list[tuple[str, float, float]]:
    """(label, width, height) in CSS pixels of each visible element matching `selector`."""
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect();
            return [e.getAttribute('aria-label') || e.textContent.trim(), r.width, r.height];
        })""",
    )
