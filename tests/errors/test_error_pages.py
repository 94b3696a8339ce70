"""The portal's own error pages (issue 21): 400, 403, 404 and 500 in the portal's look, in
Chinese and English, each with a way back; served with DEBUG off for an unknown address, a
refusal, a bad request and a bug; the 500 page renders with the database gone."""

import pytest
from django.test import Client

URLCONF = "tests.errors.urls"

# status: (how to get it, a phrase of the page in Chinese, in English)
CASES = {
    404: ("/no/such/page/", "页面不存在", "This page does not exist"),
    403: ("/_errors/refused/", "您无权打开此页面", "You may not open this page"),
    400: ("/_errors/suspicious/", "无法处理此请求", "The request could not be understood"),
    500: ("/_errors/broken/", "系统出错了", "Something went wrong on our side"),
}
LANGUAGES = {"zh-hans": 1, "en": 2}


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = URLCONF


def get(path, language, **extra):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    return client.get(path, **extra)


def assert_error_page(response, status, phrase, language):
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert phrase in page
    assert f'<html lang="{"zh-CN" if language == "zh-hans" else "en"}">' in page
    # The portal's look: its bar and styles; and two ways back: the home page and the last page.
    assert 'class="navbar navbar-dark bg-brand"' in page and "portal/portal.css" in page
    assert page.count('href="/"') >= 2 and "data-history-back" in page
    assert 'class="skip-link" href="#main"' in page and 'id="main"' in page
    assert "Traceback" not in page and "a bug" not in page and "tampered" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", [404, 403, 400])
def test_each_error_page_in_each_language(status, language):
    path, zh, en = CASES[status]
    response = get(path, language)
    assert_error_page(response, status, zh if language == "zh-hans" else en, language)
    assert ("返回首页" if language == "zh-hans" else "Go to the home page") in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_500_page_renders_without_the_database(language):
    """No django_db mark: any query (the view's or the 500 page's) raises. The view's query is
    the bug; the 500 page answers without one."""
    _path, zh, en = CASES[500]
    for path in ("/_errors/broken/", "/_errors/broken-db/"):
        response = get(path, language)
        assert_error_page(response, 500, zh if language == "zh-hans" else en, language)
        assert ("返回上一页" if language == "zh-hans" else "Go back") in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_user_gets_the_same_pages(django_user_model):
    user = django_user_model.objects.create_user("someone", password="pw-someone-123")
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    for status, (path, zh, _en) in CASES.items():
        assert_error_page(client.get(path), status, zh, "zh-hans")


@pytest.mark.django_db
def test_a_bad_host_is_a_400_page(settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    response = get("/", "en", HTTP_HOST="evil.example")
    assert_error_page(response, 400, CASES[400][2], "en")


@pytest.mark.django_db
def test_an_expired_form_is_a_403_page_saying_so(settings, django_user_model):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode() and 'href="/"' in response.content.decode()
