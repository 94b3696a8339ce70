"""A new password ends the user's API tokens and browser sessions, whichever way it is set
(branches/accounts.py): each path of PASSWORD_PATHS is tried on a user with two tokens and two
browser sessions. The session of a user who changed their own password stays signed in."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from audit.models import AuditEntry
from branches.models import Role

pytestmark = pytest.mark.django_db

NEW = "Neue-Passwort-2025!"


def admin_sets_it(user, admin):
    browser = Client()
    browser.force_login(admin)
    response = browser.post(f"/admin/auth/user/{user.pk}/password/", {"password1": NEW, "password2": NEW})
    assert response.status_code == 302, response.content[:300]


def changepassword_command(user, admin):
    with mock.patch("getpass.getpass", return_value=NEW):
        call_command("changepassword", user.username, stdout=mock.MagicMock())


def reset_form(user, admin):
    """The form of Django's password reset confirmation (no reset page is routed in the portal)."""
    form = SetPasswordForm(user, {"new_password1": NEW, "new_password2": NEW})
    assert form.is_valid(), form.errors
    form.save()


def code_sets_it(user, admin):
    """What load_demo and any script do."""
    user.set_password(NEW)
    user.save()


PASSWORD_PATHS = [admin_sets_it, changepassword_command, reset_form, code_sets_it]


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def api_status(token: str) -> int:
    return APIClient().get("/api/v1/branches/", HTTP_AUTHORIZATION=f"Token {token}").status_code


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("pw_admin", password="admin-pass-123")


@pytest.mark.parametrize("set_password", PASSWORD_PATHS, ids=lambda f: f.__name__)
def test_a_new_password_ends_tokens_and_sessions(net, admin, set_password):
    user = net.user("pw_user", "WH-QK", Role.BRANCH_MANAGER)
    other = net.user("pw_other", "WH-QK", Role.BRANCH_MANAGER)
    tokens = [AuthToken.objects.create(user=user)[1] for _ in range(2)]
    other_token = AuthToken.objects.create(user=other)[1]
    browsers = [signed_in(user), signed_in(user)]
    bystander = signed_in(other)
    assert all(api_status(t) == 200 for t in tokens) and all(b.get("/").status_code == 200 for b in browsers)

    set_password(get_user_model().objects.get(pk=user.pk), admin)

    assert get_user_model().objects.get(pk=user.pk).check_password(NEW)
    assert [api_status(t) for t in tokens] == [401, 401]
    assert AuthToken.objects.filter(user=user).count() == 0
    for browser in browsers:
        response = browser.get("/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_status(other_token) == 200 and bystander.get("/").status_code == 200  # nobody else
    entry = AuditEntry.objects.filter(object_id=user.pk, reason__contains="2").latest("pk")
    assert entry.action == AuditEntry.Action.UPDATE


def test_changing_ones_own_password_keeps_this_session_only(admin):
    here, elsewhere = signed_in(admin), signed_in(admin)
    token = AuthToken.objects.create(user=admin)[1]
    response = here.post(
        "/admin/password_change/", {"old_password": "admin-pass-123", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302 and response["Location"].endswith("/admin/password_change/done/")
    assert here.get("/admin/").status_code == 200  # update_session_auth_hash carried this session over
    assert elsewhere.get("/admin/").status_code == 302
    assert api_status(token) == 401


def test_a_hash_upgraded_at_login_is_no_new_password(net, settings):
    """A stronger hasher rehashes the same password at login: tokens and sessions stay."""
    user = net.user("pw_upgrade", "WH-QK", Role.BRANCH_MANAGER)
    get_user_model().objects.filter(pk=user.pk).update(password=make_password("old-pass-123", hasher="md5"))
    token = AuthToken.objects.create(user=user)[1]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    browser = Client()
    assert browser.post("/accounts/login/", {"username": "pw_upgrade", "password": "old-pass-123"}).status_code == 302
    assert get_user_model().objects.get(pk=user.pk).password.startswith("pbkdf2_sha256$")  # upgraded
    assert api_status(token) == 200 and browser.get("/").status_code == 200


def test_a_new_account_has_nothing_to_end(admin):
    before = AuditEntry.objects.count()
    get_user_model().objects.create_user("pw_new", password="new-pass-123")
    assert AuditEntry.objects.count() == before
