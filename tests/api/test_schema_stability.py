"""The schema names nothing after a translated label or a position: read in Chinese or English it
has the same paths, operations, components and enum member names, so a client generated from
either is the same code."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from records.api.schema_names import enum_varname

pytestmark = pytest.mark.django_db

PROSE = {"description", "summary"}


def fetch(client, language):
    response = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.json()


def without_prose(node):
    """The document less its translatable prose: what a generator builds names and types from."""
    if isinstance(node, dict):
        return {k: without_prose(v) for k, v in node.items() if k not in PROSE}
    if isinstance(node, list):
        return [without_prose(v) for v in node]
    return node


def enums(document):
    found = {}
    for name, schema in document["components"]["schemas"].items():
        if "enum" in schema:
            found[name] = schema.get("x-enum-varnames")
    return found


def test_schema_is_the_same_in_every_language_but_for_prose(client):
    chinese, english = fetch(client, "zh-hans"), fetch(client, "en")
    assert chinese["paths"].keys() == english["paths"].keys()
    assert chinese["components"]["schemas"].keys() == english["components"]["schemas"].keys()
    assert enums(chinese) == enums(english)
    assert without_prose(chinese) == without_prose(english)
    # Prose is translated, so the two readings really did differ.
    assert chinese != english


def test_no_schema_carries_a_title_a_generator_would_name_a_class_after(client):
    document = fetch(client, "zh-hans")
    stack = [document["paths"], document["components"]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            assert not isinstance(node.get("title"), str), node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def test_every_string_enum_names_its_members_from_their_codes(client):
    document = fetch(client, "zh-hans")
    stack = [document]
    seen = 0
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("enum"), list) and all(isinstance(v, str) for v in node["enum"]):
                names = node["x-enum-varnames"]
                assert len(names) == len(set(names)) == len(node["enum"])
                assert all(name.isidentifier() and name.isupper() for name in names)
                seen += 1
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    assert seen > 20


def test_filters_and_bodies_share_one_enum(client):
    document = fetch(client, "zh-hans")
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/home-visits/"]["get"]["parameters"]}
    ref = "#/components/schemas/CustomerGroupEnum"
    assert parameters["customer_group"]["schema"] == {"$ref": ref}
    body = document["components"]["schemas"]["HomeVisit"]["properties"]["customer_group"]
    assert body.get("$ref", body.get("allOf", [{}])[0].get("$ref")) == ref


def test_ordering_values_are_listed(client):
    document = fetch(client, "en")
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/home-visits/"]["get"]["parameters"]}
    assert {"occurred_on", "-occurred_on", "updated_at", "id"} <= set(parameters["ordering"]["schema"]["enum"])


@given(st.text(alphabet=st.sampled_from("abz09_-+ ."), max_size=12))
def test_member_names_are_identifiers_that_depend_on_the_code_only(code):
    name = enum_varname(code)
    assert name.isidentifier() and name == name.upper()
    assert name == enum_varname(code)
