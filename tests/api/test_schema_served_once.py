"""The OpenAPI document is generated once per process for each language, version and format,
and what is served from then on is exactly what a fresh generation makes (issue 19: generating
it took 200-350 ms for every request)."""

import json
from unittest import mock

import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from records.api import docs
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db
HEADERS = ("Content-Type", "Content-Disposition", "Vary", "Allow")


@pytest.fixture(autouse=True)
def nothing_served_yet():
    docs.forget_served()
    yield
    docs.forget_served()


def fetch(client, url="/api/v1/schema/?format=json", language="zh-hans", **extra):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, **extra)
    assert response.status_code == 200
    return response


def test_each_language_and_format_is_generated_once(client):
    with mock.patch.object(
        SchemaGenerator, "get_schema", autospec=True, side_effect=SchemaGenerator.get_schema
    ) as made:
        for _round in range(3):
            for language in ("zh-hans", "en"):
                for url in ("/api/v1/schema/?format=json", "/api/v1/schema/"):
                    fetch(client, url, language)
    assert made.call_count == 4


def test_the_served_bytes_and_headers_are_a_fresh_generations(client):
    for url in ("/api/v1/schema/?format=json", "/api/v1/schema/", "/api/v1/schema/?version=2.0"):
        for language in ("zh-hans", "en"):
            first = fetch(client, url, language)
            served = fetch(client, url, language)
            docs.forget_served()
            fresh = fetch(client, url, language)
            assert served.content == fresh.content == first.content, (url, language)
            assert [served.get(h) for h in HEADERS] == [fresh.get(h) for h in HEADERS], (url, language)


def test_the_document_is_the_generators_in_the_readers_language(client):
    for language in ("zh-hans", "en"):
        served = json.loads(fetch(client, language=language).content)
        with translation.override(language):
            made = SchemaGenerator().get_schema(request=None, public=True)
            assert served == json.loads(OpenApiJsonRenderer().render(made, renderer_context={}))


def test_it_is_the_same_for_anyone_signed_in_or_not(client, staff_qk, manager_qk):
    anonymous = fetch(client).content
    assert fetch(token_client(staff_qk)).content == anonymous
    client.force_login(manager_qk)
    assert fetch(client).content == anonymous


def test_a_changed_setting_forgets_what_was_served(client, settings):
    fetch(client)
    assert docs.SERVED
    settings.LANGUAGE_CODE = "en"
    assert not docs.SERVED
