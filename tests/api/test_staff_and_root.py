"""GET /api/v1/ lists the resources; GET /api/v1/staff/ gives the ids a home visit's `staff`
takes, scoped and with no personal data."""

import pytest

from branches.models import Staff
from tests.api.conftest import payload, token_client

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_every_resource_to_anyone(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    resources = response.json()["resources"]
    assert {"home-visits", "staff", "deleted", "metrics", "branches", "schema"} <= set(resources)
    for url in resources.values():
        assert url.startswith("http://testserver/api/v1/")


def test_every_listed_resource_answers(client, staff_qk):
    api = token_client(staff_qk)
    for name, url in client.get("/api/v1/").json()["resources"].items():
        if name in {"metrics", "auth/login", "docs"}:
            continue  # the metrics need a question, login a POST, the docs a browser session
        assert api.get(url).status_code == 200, name


@pytest.fixture
def people(net):
    return {
        code: Staff.objects.create(name=f"员工{code}", branch=net[code], birth_year=1980, is_party_member=True)
        for code in ("WH-QK-01", "WH-QK-02", "WH-BBT")
    }


def test_staff_are_scoped_and_minimal(manager_qk, people, django_assert_max_num_queries):
    api = token_client(manager_qk)
    with django_assert_max_num_queries(6):
        rows = api.get("/api/v1/staff/").json()["results"]
    assert {r["branch"] for r in rows} == {"WH-QK-01", "WH-QK-02"}
    assert set(rows[0]) == {"id", "name", "branch", "is_active"}
    assert api.get(f"/api/v1/staff/{people['WH-BBT'].pk}/").status_code == 404
    only = api.get("/api/v1/staff/", {"branch": "wh-qk-02"}).json()["results"]
    assert [r["id"] for r in only] == [people["WH-QK-02"].pk]


def test_a_listed_id_fills_a_home_visits_staff(manager_qk, people, net):
    # A visit is made by two (services/rules.py): a second staff member at the outlet.
    Staff.objects.create(name="员工WH-QK-01乙", branch=net["WH-QK-01"], birth_year=1985, is_party_member=False)
    api = token_client(manager_qk)
    ids = [r["id"] for r in api.get("/api/v1/staff/", {"branch": "WH-QK-01"}).json()["results"]]
    body = payload("home-visits", net, staff=ids)
    created = api.post("/api/v1/home-visits/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["staff"] == ids


def test_metrics_clients_do_not_read_staff(metrics_client_user):
    assert token_client(metrics_client_user).get("/api/v1/staff/").status_code == 403
