"""Schemathesis over every operation of the OpenAPI schema, authenticated with a token, through
Django's WSGI application: no server error, no status, header, content type or body the schema
does not document.

FUZZ_SEED and FUZZ_EXAMPLES (default 50 per operation) reproduce or widen a run; the run's size
and seed are printed and written to test-artifacts/fuzz-run.json.
"""

import json
import os
import warnings
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from branches.models import Role
from tests.api.conftest import token_client
from tests.conftest import record_data
from tests.kinds import KINDS

SEED = int(os.environ.get("FUZZ_SEED", "20250814"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def openapi_document() -> dict:
    """The document /api/v1/schema/ serves, as plain JSON."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


DOCUMENT = openapi_document()
OPERATIONS = sum(1 for item in DOCUMENT["paths"].values() for method in item if method != "parameters")
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = WSGIHandler()


class FuzzRun(UserWarning):
    """The size and seed of the schemathesis run, shown in pytest's warnings summary (also under xdist)."""


@pytest.fixture(scope="module", autouse=True)
def _record_run():
    run = {"operations": OPERATIONS, "examples_per_operation": EXAMPLES, "seed": SEED}
    print(f"\nschemathesis run: {run}")
    warnings.warn(FuzzRun(f"schemathesis run: {run}"), stacklevel=1)
    out = Path(django_settings.BASE_DIR) / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "fuzz-run.json").write_text(json.dumps(run))
    yield


@pytest.fixture
def fuzz_token(net, root_user):
    """A branch manager of WH with records of every kind to read, change and delete."""
    net["WH-QK-01"].love_station_since = 2020
    net["WH-QK-01"].save()
    manager = net.user("fuzz_manager", "WH", Role.BRANCH_MANAGER)
    for kind in KINDS:
        kind.create(user=root_user, **record_data(kind.slug, net))
    return token_client(manager).token


@pytest.fixture
def _wsgi_keeps_test_connection():
    """Django's WSGI handler closes "old" connections around each request, which would end the
    test's transaction; the test client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_wsgi_keeps_test_connection")
@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, fuzz_token):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_token}"}, checks=CHECKS)
