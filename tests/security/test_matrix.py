"""The permission matrix across the UI and the API: every route of the URLconf × every method ×
the eight roles × an object at WH-QK-01 and one at WH-BBT gets the status tests/security/matrix.py
expects; no refused request changes a row of either branch; no request of a role changes a row of
the branch outside its scope or shows its code or records.

Each request runs in a transaction rolled back afterwards, so every case starts from the same
world. A request that issues no INSERT/UPDATE/DELETE (besides the session's own row) cannot have
changed a row; one that does is checked by comparing every row of both branches with the rows
before it (tests/security/world.py: branch_rows).
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.kinds import record_kinds
from tests.security.cases import request_for, send
from tests.security.matrix import MATRIX, METHODS, SUCCESS
from tests.security.routes import all_routes
from tests.security.world import CODES, MARKERS, OUTSIDE, ROLES, TARGETS, snapshot
from tests.writes import written_tables

pytestmark = pytest.mark.django_db

ROUTES = {route.key: route for route in all_routes()}
TEXT_TYPES = ("text/html", "application/json", "text/csv", "text/plain")


def test_every_route_and_method_is_in_the_matrix():
    missing = sorted(f"{key} {method}" for key in ROUTES for method in METHODS if method not in MATRIX.get(key, {}))
    assert not missing, f"routes missing from tests/security/matrix.py: {missing}"
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert not stale, f"tests/security/matrix.py names routes the URLconf does not have: {stale}"


def label(response) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"].split("?")[0]
    if location == reverse("login"):
        return "L"
    if location == reverse("admin:login"):
        return "A"
    return "302"


def baseline_of(world) -> dict:
    """The rows of both targets before any request: the same for every test of the module (each
    request, and each test, is rolled back), so read once."""
    if getattr(world, "baseline", None) is None:
        world.baseline = snapshot(world)
    return world.baseline


def body_text(response) -> str:
    if not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return ""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8", "replace")


def shown_outside(world, role: str, response) -> list[str]:
    """What a successful answer shows of the branch outside the role's scope: the marker in its
    records' notes, a link to one of its records or pages, or its code as a JSON value."""
    if not 200 <= response.status_code < 300:
        return []
    text = body_text(response)
    shown = []
    for target in OUTSIDE[role]:
        code = CODES[target]
        marks = [MARKERS[target], f"/{code}/", f'"branch":"{code}"', f'"code":"{code}"', f'"node":"{code}"']
        marks += [f'"{kind.url("detail", world.record(kind.slug, target).pk)}"' for kind in record_kinds()]
        shown += [mark for mark in marks if mark in text]
    return shown


def run_case(world, baseline, role: str, request):
    """Send one request, then roll it back; return the response and the targets whose rows it changed."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = send(world, role, request)
        changed = []
        tables = written_tables(queries)
        if tables != set():
            after = snapshot(world, tables)  # the written tables' rows: no other row can have changed
            changed = [t for t in TARGETS if any(rows != baseline[t][key] for key, rows in after[t].items())]
        transaction.set_rollback(True)
    return response, changed


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_route_permissions(in_world, key):
    world, route = in_world, ROUTES[key]
    assert key in MATRIX, f"{key} is missing from tests/security/matrix.py"
    baseline = baseline_of(world)
    wrong = []
    for method in METHODS:
        for role in ROLES:
            expected = MATRIX[key][method][role]
            requests = {target: request_for(world, route, method, role, target) for target in TARGETS}
            if requests["bbt"].same_as(requests["qk"]):
                if expected[0] != expected[1]:
                    wrong.append(f"{method} {key} as {role}: the request does not name an object, one status expected")
                del requests["bbt"]
            for target, request in requests.items():
                want = expected[TARGETS.index(target)]
                response, changed = run_case(world, baseline, role, request)
                got = label(response)
                case = f"{method} {request.path} as {role} ({CODES[target]})"
                if got != want:
                    wrong.append(f"{case}: {got}, expected {want} {body_text(response)[:200]!r}")
                if changed and (got not in SUCCESS):
                    wrong.append(f"{case}: refused ({got}) but rows changed at {changed}")
                if set(changed) & set(OUTSIDE[role]):
                    wrong.append(f"{case}: changed rows of the branch outside the role's scope")
                leaked = shown_outside(world, role, response)
                if leaked:
                    wrong.append(f"{case}: showed {leaked} of the branch outside the role's scope")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_has_hundreds_of_cases(in_world):
    """The size of the matrix, written to test-artifacts/security-matrix.json for docs/reliability.md."""
    world = in_world
    cells = requests = 0
    for route in ROUTES.values():
        for method in METHODS:
            for role in ROLES:
                cells += len(TARGETS)
                qk, bbt = (request_for(world, route, method, role, t) for t in TARGETS)
                requests += 1 if bbt.same_as(qk) else 2
    size = {"routes": len(ROUTES), "methods": len(METHODS), "roles": len(ROLES), "cells": cells, "requests": requests}
    out = Path(settings.BASE_DIR) / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "security-matrix.json").write_text(json.dumps(size))
    assert requests >= 300, size


def test_the_checks_can_fail(in_world):
    """A write at WH-BBT shows in its rows; an answer holding a WH-BBT record counts as shown to
    a role outside WH-BBT; a read changes nothing."""
    world = in_world
    baseline = baseline_of(world)
    assert snapshot(world) == baseline
    route = ROUTES["api:home-visits-detail"]
    response, changed = run_case(world, baseline, "mgr_bbt", request_for(world, route, "PATCH", "mgr_bbt", "bbt"))
    assert response.status_code == 200 and changed == ["bbt"]
    response, changed = run_case(world, baseline, "mgr_bbt", request_for(world, route, "GET", "mgr_bbt", "bbt"))
    assert response.status_code == 200 and changed == []
    assert MARKERS["bbt"] in shown_outside(world, "staff", response)
    assert snapshot(world) == baseline


def test_only_writes_it_can_name_narrow_the_comparison():
    def queries(*statements):
        return type("Captured", (), {"captured_queries": [{"sql": sql} for sql in statements]})

    named = queries('SAVEPOINT "s1"', 'UPDATE "services_homevisit" SET "notes" = %s', 'UPDATE "django_session" SET x')
    assert written_tables(named) == {"services_homevisit"}
    assert written_tables(queries("SELECT 1", 'RELEASE SAVEPOINT "s1"')) == set()
    assert written_tables(queries("WITH moved AS (SELECT 1) UPDATE t SET a = 1")) is None
    assert written_tables(queries("REPLACE INTO t VALUES (1)")) is None
