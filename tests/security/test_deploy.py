"""Deployment: production settings pass `check --deploy` with no silenced check unexplained; every
route of the URLconf answers with the security headers, for a user with full rights and for an
anonymous visitor; under production settings the cookies are Secure, HttpOnly and SameSite."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.security.cases import HTML_API_ROUTES
from tests.security.routes import CannotBuild, all_routes, build

# Checks production silences on purpose, each with the reason. Empty: none is silenced.
EXPLAINED_SILENCED_CHECKS: dict[str, str] = {}


def production_env(**extra) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_COOKIES", "SECURE_SSL_REDIRECT"}}
    return base | {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.bank",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    }


def run(args: list[str], **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_passes_under_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    silenced = int(re.search(r"\((\d+) silenced\)", result.stdout + result.stderr)[1])
    assert silenced == len(EXPLAINED_SILENCED_CHECKS), result.stdout


def test_no_silenced_check_is_left_unexplained():
    script = "import django, json; django.setup(); from django.conf import settings; "
    script += "print(json.dumps(settings.SILENCED_SYSTEM_CHECKS))"
    result = run(["-c", script])
    assert result.returncode == 0, result.stderr
    unexplained = set(json.loads(result.stdout)) - set(EXPLAINED_SILENCED_CHECKS)
    assert not unexplained, f"silenced without a reason in EXPLAINED_SILENCED_CHECKS: {unexplained}"


@pytest.fixture(scope="module")
def production_answers(tmp_path_factory):
    database = tmp_path_factory.mktemp("production") / "probe.sqlite3"
    result = run(["-m", "tests.security.production_probe"], DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr[-3000:]
    report = next(line for line in result.stdout.splitlines() if line.startswith('{"debug"'))
    return json.loads(report)


def test_production_cookies_are_secure_httponly_and_samesite(production_answers):
    cookies = production_answers["cookies"]
    assert production_answers["debug"] is False
    assert production_answers["answers"]["login"]["status"] == 302  # logged in
    session, csrf = cookies[settings.SESSION_COOKIE_NAME], cookies[settings.CSRF_COOKIE_NAME]
    assert session == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    assert cookies[settings.LANGUAGE_COOKIE_NAME]["secure"]
    assert all(c["secure"] and c["samesite"] in ("Lax", "Strict") for c in cookies.values()), cookies


def test_production_sends_hsts_and_redirects_plain_http(production_answers):
    answers = production_answers["answers"]
    assert answers["plain_http"]["status"] == 301
    assert answers["plain_http"]["headers"]["Location"].startswith("https://")
    hsts = answers["login_page"]["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert_security_headers(answers["login_page"]["headers"], "production login page")


def assert_security_headers(headers, where: str) -> list[str]:
    problems = []
    policy = headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    script_src = directives.get("script-src", directives.get("default-src"))
    if not policy or script_src is None:
        problems.append(f"{where}: no Content-Security-Policy with a script-src")
    elif "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        problems.append(f"{where}: script-src allows inline code: {script_src}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"{where}: frame-ancestors is not 'none'")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: X-Content-Type-Options is {headers.get('X-Content-Type-Options')!r}")
    if not headers.get("Referrer-Policy"):
        problems.append(f"{where}: no Referrer-Policy")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append(f"{where}: X-Frame-Options is {headers.get('X-Frame-Options')!r}")
    return problems


@pytest.mark.django_db
def test_every_route_sends_the_security_headers(in_world):
    """Each route of the URLconf, its arguments filled with real objects, as the system
    administrator (session; token for the API) and as an anonymous visitor."""
    world = in_world
    admin_browser = Client()
    admin_browser.force_login(world.root)
    admin_api = APIClient()
    admin_api.credentials(HTTP_AUTHORIZATION=f"Token {world.root_token}")
    problems, cannot_build, answered = [], [], 0
    for route in all_routes():
        try:
            url = build(world, route, "qk")
        except CannotBuild as exc:
            cannot_build.append(str(exc))
            continue
        api = route.is_api and route.key not in HTML_API_ROUTES
        for who, client in (("administrator", admin_api if api else admin_browser), ("anonymous", Client())):
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
            answered += 1
            problems += assert_security_headers(response, f"GET {url} as {who} ({response.status_code})")
    assert not cannot_build and not problems, "\n".join(["routes the test cannot reach:", *cannot_build, *problems])
    assert answered >= 2 * len(all_routes())
