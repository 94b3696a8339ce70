"""Retries are safe: a create with an Idempotency-Key runs once per user and key."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from branches.models import Target
from metrics.models import Submission
from records.api.models import IdempotencyKey
from services.models import OutreachEvent
from tests.api.conftest import payload, token_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/outreach-events/"


@pytest.fixture
def api(staff_qk):
    return token_client(staff_qk)


def post(api, body, key, url=URL):
    return api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_same_key_twice_creates_one_record_and_answers_the_same(api, net):
    body = payload("outreach-events", net)
    first = post(api, body, "5f0c7c1e-retry-1")
    second = post(api, body, "5f0c7c1e-retry-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["ETag"] == first["ETag"] and second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert OutreachEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, content_type__model="outreachevent").count() == 1


def test_replay_is_the_first_answer_even_after_a_change(api, net):
    first = post(api, payload("outreach-events", net), "key-a")
    api.patch(f"{URL}{first.json()['id']}/", {"attendees": 99}, format="json")
    assert post(api, payload("outreach-events", net), "key-a").json()["attendees"] == 40


def test_same_key_with_another_body_is_refused(api, net):
    post(api, payload("outreach-events", net), "key-b")
    response = post(api, payload("outreach-events", net, attendees=41), "key-b")
    assert response.status_code == 422
    assert response.json()["detail"]
    assert OutreachEvent.objects.count() == 1


def test_different_keys_create_different_records(api, net):
    post(api, payload("outreach-events", net), "key-c")
    post(api, payload("outreach-events", net), "key-d")
    assert OutreachEvent.objects.count() == 2


def test_without_a_key_every_post_creates(api, net):
    api.post(URL, payload("outreach-events", net), format="json")
    api.post(URL, payload("outreach-events", net), format="json")
    assert OutreachEvent.objects.count() == 2


def test_keys_are_per_user(api, net, manager_qk):
    post(api, payload("outreach-events", net), "shared-key")
    response = post(token_client(manager_qk), payload("outreach-events", net), "shared-key")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert OutreachEvent.objects.count() == 2


def test_a_refused_create_is_not_remembered(api, net):
    refused = post(api, payload("outreach-events", net, attendees=-1), "key-e")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    # The client may correct the body and retry with the same key.
    assert post(api, payload("outreach-events", net), "key-e").status_code == 201


def test_keys_expire(api, net, settings):
    post(api, payload("outreach-events", net), "key-f")
    IdempotencyKey.objects.update(
        created_at=timezone.now() - settings.API_IDEMPOTENCY_TTL - datetime.timedelta(minutes=1)
    )
    assert post(api, payload("outreach-events", net), "key-f").status_code == 201
    assert OutreachEvent.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "中文"])
def test_unusable_keys_are_400(api, net, key):
    response = api.post(
        URL, payload("outreach-events", net), format="json", HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1")
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not OutreachEvent.objects.exists()


def test_targets_and_submissions_are_idempotent_too(net, manager_qk):
    api = token_client(manager_qk)
    target = {"branch": "WH-QK", "year": 2025, "metric": "home_visits", "value": "100"}
    assert post(api, target, "t-1", "/api/v1/targets/").status_code == 201
    assert post(api, target, "t-1", "/api/v1/targets/").status_code == 201
    assert Target.objects.count() == 1
    month = {"branch": "WH-QK-01", "month": "2025-08"}
    first = post(api, month, "s-1", "/api/v1/submissions/")
    again = post(api, month, "s-1", "/api/v1/submissions/")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Submission.objects.count() == 1
    # Without the key the same submission is refused: the month is already submitted.
    assert api.post("/api/v1/submissions/", month, format="json").status_code == 400
