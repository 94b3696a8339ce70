"""A database that cannot be reached is a 503 with Retry-After on every route, wherever the
request first needs it: in a middleware (the session, the signed-in user, a metrics client's
scope), in the view, or in the template (config/outage.py). Never a 500."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.api.conftest import token_client
from tests.security.routes import all_routes, build

pytestmark = pytest.mark.django_db


def unreachable(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def answers_during_outage(client, path: str):
    client.raise_request_exception = False  # as a server answers: the handler's response, not the exception
    with connection.execute_wrapper(unreachable):
        return client.get(path)


@pytest.mark.parametrize("who", ["browser", "token"])
def test_every_route_answers_an_unreachable_database_with_a_503(in_world, who):
    world = in_world
    if who == "browser":
        client = Client()
        client.force_login(world.root)
    else:
        client = token_client(world.root)
    wrong, outages, others = [], 0, []
    for route in all_routes():
        if (who == "token") != route.is_api:
            continue
        path = build(world, route, "qk")
        response = answers_during_outage(client, path)
        if response.status_code == 503:
            outages += 1
            if response["Retry-After"] != "5":
                wrong.append(f"{path} ({route.key}): 503 without Retry-After")
            if route.is_api and (
                not response["Content-Type"].startswith("application/json") or list(response.json()) != ["detail"]
            ):
                wrong.append(f"{path} ({route.key}): not a JSON detail: {response.content[:200]!r}")
        elif response.status_code >= 500:
            wrong.append(f"{path} ({route.key}): {response.status_code}")
        else:
            others.append(f"{route.key}: {response.status_code}")
    assert not wrong, wrong
    # Nearly every route needs the database, so the outage was met (the API's root and schema,
    # a method not allowed, a redirect to sign in need none of it).
    assert outages >= 0.9 * (outages + len(others)), others
