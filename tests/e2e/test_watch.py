"""The watch every journey runs under does catch what it is there to catch."""

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Journey

pytestmark = pytest.mark.e2e

CARELESS_TEMPLATE = """() => {
  const script = document.createElement("script");
  script.textContent = "window.inlineRan = true";
  document.body.append(script);
  document.body.setAttribute("style", "color: red");
}"""


def wait_for_problems(journey, page, n: int) -> list[str]:
    for _ in range(50):
        if len(journey.problems()) >= n:
            break
        page.wait_for_timeout(100)
    return journey.problems()


def test_the_watch_reports_csp_violations_and_requests_to_another_host(chromium, live_server):
    journey = Journey(chromium, live_server.url)
    try:
        page = journey.new_page("probe")
        page.goto("/accounts/login/")
        assert journey.problems() == []

        # What a careless template would do: inline code and an inline style. The CSP refuses both.
        page.evaluate(CARELESS_TEMPLATE)
        problems = wait_for_problems(journey, page, 2)
        assert page.evaluate("window.inlineRan") is None
        assert len([p for p in problems if "Content Security Policy" in p]) >= 2, problems

        # A page of another host (here the same server under another name) counts as off-host.
        other = f"http://127.0.0.1:{urlsplit(live_server.url).port}/accounts/login/"
        page.goto(other)
        assert any(p.endswith(f"request to another host: {other}") for p in journey.problems())
    finally:
        journey.close()
