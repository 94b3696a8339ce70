"""Every answer is typed as what it is: CSV as a string, spreadsheets as binary (also offered as
application/octet-stream, which the export answers when asked), refusals with their schema,
metric values as one type; the export lists its filters."""

import pytest

from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return client.get("/api/v1/schema/?format=json").json()


def test_csv_answers_are_strings(document):
    seen = 0
    for item in document["paths"].values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                csv = response.get("content", {}).get("text/csv")
                if csv:
                    assert csv["schema"]["type"] == "string"
                    seen += 1
    assert seen >= 12  # the record lists, the metrics and the ledger export


def test_the_spreadsheet_export_is_binary_and_lists_its_filters(document):
    operation = document["paths"]["/api/v1/ledgers/{slug}/export.xlsx"]["get"]
    content = operation["responses"]["200"]["content"]
    assert set(content) == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
    }
    assert all(media["schema"] == {"type": "string", "format": "binary"} for media in content.values())
    assert {"branch", "date_from", "date_to"} <= {p["name"] for p in operation["parameters"]}


def test_a_refused_import_has_its_schema(document):
    refusal = document["paths"]["/api/v1/ledgers/{slug}/import/"]["post"]["responses"]["400"]
    ref = refusal["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"file", "detail", "problems"} <= set(schema["properties"])
    assert "required" not in schema  # a file refused before any job exists has only `file`


def test_a_metric_value_has_one_type(document):
    value = document["components"]["schemas"]["MetricRow"]["properties"]["value"]
    assert value["type"] == "string" and value["format"] == "decimal"
    assert "oneOf" not in value and "anyOf" not in value


def test_the_export_answers_octet_stream_when_asked(staff_qk):
    api = token_client(staff_qk)
    generic = api.get("/api/v1/ledgers/home-visits/export.xlsx", HTTP_ACCEPT="application/octet-stream")
    assert generic.status_code == 200 and generic["Content-Type"] == "application/octet-stream"
    plain = api.get("/api/v1/ledgers/home-visits/export.xlsx")
    assert plain["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(generic.streaming_content if generic.streaming else [generic.content])[:2] == b"PK"
