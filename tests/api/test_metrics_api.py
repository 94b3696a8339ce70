"""GET /api/v1/metrics/ answers from the roll-up store: the article's figures with the demo data,
breakdowns by child, month and split, named 400s, and a constant number of queries."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import Branch
from tests.api.conftest import token_client

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
URL = "/api/v1/metrics/"


@pytest.fixture
def analyst(demo):
    return token_client(get_user_model().objects.get(username="analyst_hq"))


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["rows"]


def test_ftz_home_visits_2025_is_the_articles_83(analyst):
    answer = rows(analyst.get(f"{URL}?branch=WH-FTZ&period=2025&metric=home_visits"))
    assert answer == [
        {"node": "WH-FTZ", "period": "2025", "metric": "home_visits", "split": None, "value": "83", "unit": "count"}
    ]


def test_by_children_gives_one_row_per_child(analyst, demo):
    answer = rows(analyst.get(f"{URL}?branch=WH&period=2025&metric=home_visits&by=children"))
    children = list(Branch.objects.filter(parent=demo["WH"]).values_list("code", flat=True))
    assert sorted(r["node"] for r in answer) == sorted(children)
    by_node = {r["node"]: int(r["value"]) for r in answer}
    assert by_node["WH-FTZ"] == 83 and by_node["WH-BBT"] >= 200


def test_by_month_names_each_month(analyst):
    answer = rows(analyst.get(f"{URL}?branch=WH-FTZ&period=2025&metric=home_visits&by=month"))
    assert [r["period"] for r in answer] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert sum(int(r["value"]) for r in answer) == 83


def test_by_split(analyst):
    answer = rows(analyst.get(f"{URL}?branch=WH-FTZ&period=2025&metric=home_visits&by=split"))
    assert all(r["split"].startswith("customer_group:") for r in answer)
    assert sum(int(r["value"]) for r in answer) == 83


def test_money_is_an_exact_decimal_string(analyst):
    answer = rows(analyst.get(f"{URL}?branch=WH-XBH&period=2025&metric=financing_amount_cny"))
    assert answer[0]["value"] == "400000000.00" and answer[0]["unit"] == "cny"


def test_every_value_is_a_decimal_string_so_one_astype_makes_numbers(analyst):
    from decimal import Decimal

    answer = rows(analyst.get(f"{URL}?branch=WH&period=2025&by=month"))
    units = {r["unit"] for r in answer}
    assert {"count", "cny"} <= units
    for row in answer:
        assert isinstance(row["value"], str) and Decimal(row["value"]).is_finite()


def test_all_metrics_when_none_is_named(analyst):
    from core.catalogue import METRICS

    assert {r["metric"] for r in rows(analyst.get(f"{URL}?branch=WH&period=2025"))} == set(METRICS)


@pytest.mark.parametrize(
    "query,field,named",
    [
        ("branch=WH&period=2025&metric=home_visits,foo", "metric", "foo"),
        ("branch=WH&period=2025Q7", "period", "2025Q7"),
        ("branch=NOPE&period=2025", "branch", "NOPE"),
        ("branch=WH&period=2025&by=weekday", "by", "weekday"),
        ("period=2025", "branch", None),
        ("branch=WH", "period", None),
    ],
)
def test_unknown_values_are_400_naming_them(analyst, query, field, named):
    response = analyst.get(f"{URL}?{query}")
    assert response.status_code == 400
    messages = response.json()[field]
    if named:
        assert named in messages[0]


def test_out_of_scope_branch_reads_as_unknown(demo):
    staff = token_client(get_user_model().objects.get(username="staff_qk"))
    hidden = staff.get(f"{URL}?branch=WH-BBT&period=2025").json()["branch"][0]
    missing = staff.get(f"{URL}?branch=WH-NOPE&period=2025").json()["branch"][0]
    assert hidden.replace("WH-BBT", "X") == missing.replace("WH-NOPE", "X")


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"{URL}?{query}").status_code == 200
    return len(ctx)


def test_query_count_is_constant(analyst):
    one = _queries(analyst, "branch=WH-FTZ&period=2025&metric=home_visits")
    # All three aggregation kinds (sum, last, distinct) add one query each, at most.
    every = _queries(analyst, "branch=ICBC&period=2021..2026&by=children,month,split")
    assert every <= one + 3
    assert _queries(analyst, "branch=WH&period=2025&by=children") == _queries(
        analyst, "branch=HB&period=2025&by=children"
    )


def test_csv(analyst):
    response = analyst.get(f"{URL}?branch=WH&period=2025&metric=home_visits&by=children&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {"node", "period", "metric", "split", "value"} <= set(table[0])
    assert {r["node"]: r["value"] for r in table}["WH-FTZ"] == "83"
