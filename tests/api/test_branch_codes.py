"""A branch code reads the same in every part of the API: any case is the branch, and an unknown
or out-of-scope code gets one message wherever it is given (list filters, the metrics query,
creates)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import payload, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(manager_qk):
    return token_client(manager_qk)


def refusals(api, net, code) -> list[str]:
    """The branch message from a list filter, the metrics query and a create, for one code."""
    answers = [
        api.get("/api/v1/outreach-events/", {"branch": code}),
        api.get("/api/v1/branches/", {"branch": code}),
        api.get("/api/v1/metrics/", {"branch": code, "period": "2025"}),
        api.post("/api/v1/outreach-events/", payload("outreach-events", net, branch=code), format="json"),
    ]
    messages = []
    for response in answers:
        assert response.status_code == 400, response.content
        messages.append(response.json()["branch"][0])
    return messages


@pytest.mark.parametrize("code", ["WH-NOPE", "WH-BBT", "50%s", "%(x)s", "{value}"])  # unknown; out of scope; odd
def test_unknown_and_out_of_scope_codes_get_one_message_everywhere(api, net, code):
    messages = refusals(api, net, code)
    assert len(set(messages)) == 1 and code in messages[0]


def test_out_of_scope_reads_exactly_as_unknown(api, net):
    hidden = refusals(api, net, "WH-BBT")[0].replace("WH-BBT", "X")
    assert hidden == refusals(api, net, "WH-NOPE")[0].replace("WH-NOPE", "X")


@given(
    code=st.sampled_from(["WH-QK-01", "WH-QK"]).flatmap(
        lambda c: st.lists(st.booleans(), min_size=len(c), max_size=len(c)).map(
            lambda flips: "".join(ch.lower() if f else ch for ch, f in zip(c, flips, strict=True))
        )
    )
)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_code_in_any_case_is_the_branch(api, net, code):
    listed = api.get("/api/v1/outreach-events/", {"branch": code})
    assert listed.status_code == 200
    metrics = api.get("/api/v1/metrics/", {"branch": code, "period": "2025", "metric": "outreach_events"})
    assert metrics.status_code == 200 and metrics.json()["branch"] == code.upper()
    created = api.post("/api/v1/outreach-events/", payload("outreach-events", net, branch=code), format="json")
    assert created.status_code == 201 and created.json()["branch"] == code.upper()
