"""Fixtures of the API tests: token clients per persona and JSON bodies for every record kind."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import models
from knox.models import AuthToken
from rest_framework.test import APIClient

from branches.models import Role
from tests.conftest import record_data


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Login throttling counts in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def as_json(value):
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    if isinstance(value, models.Model):
        return value.code if hasattr(value, "code") else value.pk
    if isinstance(value, (datetime.date, Decimal)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def payload(kind_name: str, net, **overrides) -> dict:
    """A valid JSON body creating a record of the kind (the branch as its code)."""
    branch = overrides.get("branch")
    data = record_data(kind_name, net, branch if hasattr(branch, "path") else None) | overrides
    return {name: as_json(value) for name, value in data.items()}


def token_client(user) -> APIClient:
    _instance, token = AuthToken.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.token = token
    return client


@pytest.fixture
def client_for():
    return token_client


@pytest.fixture
def metrics_client_user(net):
    return net.user("bi_wh", "WH", Role.METRICS_CLIENT)
