import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse


def dashboard_url(code: str, period: str | None = None, **params) -> str:
    url = reverse("dashboard:node", args=[code])
    query = ({"period": period} if period else {}) | params
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def figures(page: str) -> dict[str, str]:
    """{metric: value} of the figure cards."""
    return dict(re.findall(r'class="card figure-card[^"]*" data-metric="(\w+)" data-value="([^"]*)"', page))


def child_rows(page: str) -> dict[str, dict[str, str]]:
    """{child code: {metric: value}} of the children table, in the order shown."""
    rows = {}
    for code, body in re.findall(r'<tr data-child="([^"]+)"[^>]*>(.*?)</tr>', page, re.S):
        rows[code] = dict(re.findall(r'data-metric="(\w+)" data-value="([^"]*)"', body))
    return rows


def committed(django_capture_on_commit_callbacks, write):
    """write(), committed: its on-commit callbacks (core.freshness) run, as in a real request."""
    with django_capture_on_commit_callbacks(execute=True):
        return write()


@pytest.fixture
def cached(settings):
    """The dashboards' cache on (dashboards/cache.py), empty before and after."""
    settings.DASHBOARD_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_login(client, demo):
    """Log the client in as one of the demo users."""

    def login(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return login


def previous_figures(page: str) -> dict[str, str]:
    """{metric: value of the preceding period} of the figure cards."""
    return dict(re.findall(r'data-metric="(\w+)" data-value="[^"]*" data-previous="([^"]*)"', page))


def targets_shown(page: str) -> dict[str, str]:
    """{metric: target} of the figure cards that show progress against a target."""
    out = {}
    for key, body in re.findall(
        r'data-metric="(\w+)" data-value="[^"]*"[^>]*>(.*?)</div>\s*</div>\s*</div>', page, re.S
    ):
        found = re.search(r'data-target="([^"]*)"', body)
        if found:
            out[key] = found[1]
    return out
