"""Run by tests/security/test_deploy.py in a process of its own with PORTAL_ENV=production: log in
through the HTML form over HTTPS (Django's test client, a scratch SQLite database) and print, as
JSON, the attributes of every cookie set and the security headers of the answers.

Usage: PORTAL_ENV=production SECRET_KEY=... ALLOWED_HOSTS=portal.bank \
       DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.security.production_probe
"""

import json
import os
import sys

HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Strict-Transport-Security",
    "Location",
)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    # The one change to production settings: static URLs without collectstatic's manifest.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    call_command("migrate", verbosity=0, interactive=False)
    get_user_model().objects.create_user("probe_user", password="probe-pass-9183")
    browser = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    answers = {
        "plain_http": browser.get("/accounts/login/"),
        "login_page": browser.get("/accounts/login/", secure=True),
    }
    token = answers["login_page"].cookies["csrftoken"].value
    answers["login"] = browser.post(
        "/accounts/login/",
        {"username": "probe_user", "password": "probe-pass-9183", "csrfmiddlewaretoken": token},
        secure=True,
    )
    answers["language"] = browser.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}, secure=True
    )
    report = {"debug": settings.DEBUG, "answers": {}, "cookies": {}}
    for name, response in answers.items():
        report["answers"][name] = {
            "status": response.status_code,
            "headers": {h: response[h] for h in HEADERS if response.has_header(h)},
        }
        for cookie in response.cookies.values():
            report["cookies"][cookie.key] = {
                "secure": bool(cookie["secure"]),
                "httponly": bool(cookie["httponly"]),
                "samesite": cookie["samesite"],
            }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
