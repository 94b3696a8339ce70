"""Logins and sessions through the HTML form: django-axes locks username + IP out after 5
failures for 15 minutes (another user on the same address is not locked); sessions end after 30
idle minutes; logout and deactivation end sessions and API tokens.

tests/test_ops.py already covers the 12-hour limit and the new session id at login, and
tests/api/test_auth.py the API's login and lockout.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from audit.models import AuditEntry
from branches.accounts import user_deactivate, user_sessions
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    return settings


def login(username, password, ip="10.1.1.1") -> int:
    response = Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})
    return response.status_code


def fail_five_times(username="staff_qk", ip="10.1.1.1") -> list[int]:
    return [login(username, "wrong-password", ip) for _ in range(5)]


def travel(minutes: int) -> None:
    """As if the failed attempts were made `minutes` ago (axes counts attempts within the cool-off)."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=minutes))


def test_five_failures_lock_the_username_on_that_address(axes_on, staff_qk):
    assert fail_five_times() == [200, 200, 200, 200, 429]  # the form says why; the fifth locks
    assert login("staff_qk", "pw-staff_qk") == 429  # now even the right password
    assert not Session.objects.exists()


def test_another_user_on_the_same_address_is_not_locked(axes_on, staff_qk, staff_qk2):
    fail_five_times()
    assert login("staff_qk2", "pw-staff_qk2") == 302


def test_the_same_user_from_another_address_is_not_locked(axes_on, staff_qk):
    fail_five_times(ip="10.1.1.1")
    assert login("staff_qk", "pw-staff_qk", ip="10.2.2.2") == 302


def test_the_lock_lasts_fifteen_minutes(axes_on, staff_qk):
    assert axes_on.AXES_COOLOFF_TIME * 60 == 15
    fail_five_times()
    travel(minutes=14)
    assert login("staff_qk", "pw-staff_qk") == 429
    travel(minutes=16)
    assert login("staff_qk", "pw-staff_qk") == 302


def test_a_success_resets_the_count(axes_on, staff_qk):
    for _ in range(4):
        login("staff_qk", "wrong-password")
    assert login("staff_qk", "pw-staff_qk") == 302
    assert login("staff_qk", "wrong-password") == 200  # counting starts again


def test_sessions_end_after_thirty_idle_minutes_and_activity_extends_them(client, staff_qk):
    client.force_login(staff_qk)
    session = Session.objects.get()
    idle_limit = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < idle_limit <= datetime.timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))  # 29 idle minutes
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get().expire_date - timezone.now() > datetime.timedelta(minutes=29)  # a request renews it
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))  # 30 idle minutes
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_session_id_changes_at_login(client, staff_qk):
    """A session id planted before login (session fixation) is not the one the user gets."""
    client.get(LOGIN)  # the login page's CSRF and language choice may open a session
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    assert client.post(LOGIN, {"username": "staff_qk", "password": "pw-staff_qk"}).status_code == 302
    assert client.cookies["sessionid"].value != planted
    assert not Session.objects.filter(session_key=planted).exists()
    intruder = Client()
    intruder.cookies["sessionid"] = planted
    assert intruder.get(reverse("home")).status_code == 302


def test_logout_deletes_the_session(client, staff_qk):
    client.post(LOGIN, {"username": "staff_qk", "password": "pw-staff_qk"})
    old_key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=old_key).exists()
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies["sessionid"] = old_key
    assert replay.get(reverse("home")).status_code == 302


def test_api_logout_deletes_the_token(staff_qk):
    api = token_client(staff_qk)
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert not AuthToken.objects.filter(user=staff_qk).exists()


def sessions_and_token(user):
    browsers = []
    for _ in range(2):
        browser = Client()
        browser.force_login(user)
        browsers.append(browser)
    return browsers, token_client(user)


def test_deactivation_ends_sessions_and_tokens_even_if_reactivated(staff_qk, staff_qk2, root_user):
    browsers, api = sessions_and_token(staff_qk)
    _other_browsers, other_api = sessions_and_token(staff_qk2)
    entry = user_deactivate(staff_qk, by=root_user)
    staff_qk.refresh_from_db()
    assert not staff_qk.is_active
    assert user_sessions(staff_qk) == [] and not AuthToken.objects.filter(user=staff_qk).exists()
    assert entry.user == root_user and entry.changes == {"is_active": [True, False]} and entry.object_id == staff_qk.pk
    staff_qk.is_active = True  # switched on again: the old session and token stay dead
    staff_qk.save()
    assert all(b.get(reverse("home")).status_code == 302 for b in browsers)
    assert api.get("/api/v1/home-visits/").status_code == 401
    assert len(user_sessions(staff_qk2)) == 2 and other_api.get("/api/v1/home-visits/").status_code == 200


def test_the_admin_user_form_deactivates_through_the_service(staff_qk, root_user):
    browsers, api = sessions_and_token(staff_qk)
    admin = Client()
    admin.force_login(root_user)
    url = reverse("admin:auth_user_change", args=[staff_qk.pk])
    form = admin.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data |= {"is_active": "", "last_login_0": "", "last_login_1": "", "date_joined_0": "2025-01-01"}
    data |= {"date_joined_1": "08:00:00", "groups": [], "user_permissions": []}
    response = admin.post(url, {k: v for k, v in data.items() if k != "is_active"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    staff_qk.refresh_from_db()
    assert not staff_qk.is_active
    assert user_sessions(staff_qk) == [] and not AuthToken.objects.filter(user=staff_qk).exists()
    assert AuditEntry.objects.filter(object_id=staff_qk.pk, user=root_user, changes={"is_active": [True, False]})
    assert all(b.get(reverse("home")).status_code == 302 for b in browsers)
    assert api.get("/api/v1/home-visits/").status_code == 401
    assert len(user_sessions(root_user)) == 1  # the administrator's own session goes on
