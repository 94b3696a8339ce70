"""Stateful fuzzing: schemathesis follows the schema's OpenAPI links (records/api/schema.py:
add_links), so a scenario creates a record, target or submission and then reads, changes,
deletes or decides on the very object it created, authenticated with a token, checking every
answer against the schema as tests/api/test_fuzz.py does for single requests.

FUZZ_SEED and FUZZ_STATEFUL_SCENARIOS reproduce or widen a run; the size and seed are written
to test-artifacts/fuzz-stateful-run.json. Generated branch codes are swapped for a real one
or a known-valid create is sent, so that creates succeed and the links are followed.
"""

import json
import os
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st

from branches.models import Branch
from core.kinds import kind_for_slug
from tests.api import test_fuzz as fuzz
from tests.api.conftest import payload
from tests.kinds import KIND_IDS

SCENARIOS = int(os.environ.get("FUZZ_STATEFUL_SCENARIOS", "40"))
STEPS = 10
LINKS = sum(
    len(response.get("links", {}))
    for item in fuzz.DOCUMENT["paths"].values()
    for operation in item.values()
    if isinstance(operation, dict)
    for response in operation.get("responses", {}).values()
)

schema = schemathesis.openapi.from_dict(fuzz.DOCUMENT)
schema.app = WSGIHandler()


class _Codes(dict):
    """Stands in for the test network where only branch codes are needed."""

    def __missing__(self, code):
        return Branch(code=code)


# A create known to succeed for the fuzz user (a manager of WH), per collection.
# (A kind whose sample needs another record first, a partnership activity, has none here.)
VALID_CREATES = {
    f"/api/v1/{slug}/": payload(slug, _Codes()) for slug in KIND_IDS if not kind_for_slug(slug).sample.needs
} | {
    "/api/v1/submissions/": {"branch": "WH-QK-01", "month": "2025-07"},
    "/api/v1/targets/": {"branch": "WH-QK-01", "year": 2025, "metric": "home_visits", "value": "80"},
}


@schema.hook
def flatmap_body(context, body):
    """A third of creates are a valid one, a third get a real branch: then the links are followed."""
    if not isinstance(body, dict) or "branch" not in body:
        return st.just(body)
    choices = [body, body | {"branch": "WH-QK-01"}]
    if context.operation.method.upper() == "POST" and context.operation.path in VALID_CREATES:
        choices.append(VALID_CREATES[context.operation.path])
    return st.sampled_from(choices)


class Workflow(schema.as_state_machine()):
    token = ""
    calls = 0

    def setup(self):
        # Every scenario starts from the same rows and cache (rate limits), so that the same
        # choices meet the same answers: hypothesis refuses a run whose answers depend on what
        # earlier scenarios left behind (a second create of the same target is a 400).
        self.savepoint = transaction.savepoint()
        cache.clear()

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    def get_call_kwargs(self, case):
        return {"headers": {"Authorization": f"Token {self.token}"}}

    def after_call(self, response, case):
        type(self).calls += 1

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, checks=fuzz.CHECKS, transport_kwargs=kwargs)


def test_the_schema_has_links_to_follow():
    assert LINKS >= 40
    assert schema.operations_with_incoming_links()


@pytest.mark.django_db
@pytest.mark.usefixtures("_wsgi_keeps_test_connection")
def test_stateful_scenarios_conform_to_the_schema(fuzz_token):
    Workflow.token, Workflow.calls = fuzz_token, 0
    seed(fuzz.SEED)(Workflow).run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    run = {"scenarios": SCENARIOS, "max_steps": STEPS, "links": LINKS, "calls": Workflow.calls, "seed": fuzz.SEED}
    out = Path(django_settings.BASE_DIR) / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "fuzz-stateful-run.json").write_text(json.dumps(run))
    assert Workflow.calls >= SCENARIOS


fuzz_token = fuzz.fuzz_token
_wsgi_keeps_test_connection = fuzz._wsgi_keeps_test_connection
