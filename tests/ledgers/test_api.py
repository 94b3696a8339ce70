"""POST /api/v1/ledgers/<slug>/import/ (dry run or commit) and GET .../export.xlsx."""

import io

import pytest
from knox.models import AuthToken
from openpyxl import load_workbook
from rest_framework.test import APIClient

from branches.models import Role
from ledgers.models import ImportJob
from services.models import OutreachEvent
from services.services import outreach_event_create
from tests.conftest import record_data
from tests.ledgers.conftest import outreach

URL = "/api/v1/ledgers/outreach-events/import/"


def token_client(user) -> APIClient:
    _instance, token = AuthToken.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def post(client, path, query=""):
    with open(path, "rb") as fh:
        return client.post(URL + query, {"file": fh}, format="multipart")


def test_dry_run_is_the_default_and_writes_nothing(net, staff_qk, ledger):
    response = post(token_client(staff_qk), ledger("outreach-events", [outreach(), outreach(theme="?")]))
    assert response.status_code == 200
    data = response.json()
    assert data["dry_run"] and data["rows"] == 2 and data["good_rows"] == 1 and data["problem_count"] == 1
    assert data["problems"][0]["row"] == 3 and data["problems"][0]["column"] == "E" and data["problems"][0]["message"]
    assert OutreachEvent.objects.count() == 0


def test_commit_writes_all_rows(net, staff_qk, ledger):
    response = post(
        token_client(staff_qk), ledger("outreach-events", [outreach(), outreach(place="学校")]), "?dry_run=0"
    )
    assert response.status_code == 201 and response.json()["created"] == 2
    assert OutreachEvent.objects.count() == 2


def test_commit_with_a_bad_row_writes_none(net, staff_qk, ledger):
    path = ledger("outreach-events", [outreach(), outreach(place="学校", attendees="many")])
    response = post(token_client(staff_qk), path, "?dry_run=0")
    assert response.status_code == 400
    assert [(p["row"], p["column"]) for p in response.json()["problems"]] == [(3, "F")]
    assert OutreachEvent.objects.count() == 0


def test_duplicates_pass_only_when_allowed(net, staff_qk, ledger):
    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    path = ledger("outreach-events", [outreach()])
    assert post(token_client(staff_qk), path, "?dry_run=0").status_code == 400
    assert post(token_client(staff_qk), path, "?dry_run=0&allow_duplicates=1").status_code == 201
    assert OutreachEvent.objects.count() == 2


def test_a_file_that_is_no_xlsx_is_a_400_with_a_message(net, staff_qk, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("机构,日期\n", encoding="utf-8")
    response = post(token_client(staff_qk), path, "?dry_run=0")
    assert response.status_code == 400 and response.json()["file"][0]


def test_a_missing_file_and_an_oversized_file(net, staff_qk, tmp_path, settings):
    client = token_client(staff_qk)
    assert client.post(URL, {}, format="multipart").json()["file"]
    settings.LEDGER_MAX_UPLOAD_BYTES = 10_000
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 50_000)
    response = post(client, path)
    assert response.status_code == 413 and response.json()["file"]
    assert not ImportJob.objects.exists()


def test_anonymous_and_metrics_clients_are_refused(net, ledger):
    path = ledger("outreach-events", [outreach()])
    assert post(APIClient(), path).status_code == 401
    metrics = net.user("bi", "WH", Role.METRICS_CLIENT)
    assert post(token_client(metrics), path, "?dry_run=0").status_code == 403
    assert OutreachEvent.objects.count() == 0 and not ImportJob.objects.exists()


def test_an_outsiders_rows_are_errors(net, ledger):
    outsider = net.user("bbt", "WH-BBT", Role.OUTLET_STAFF)
    response = post(token_client(outsider), ledger("outreach-events", [outreach()]), "?dry_run=0")
    assert response.status_code == 400 and response.json()["problems"][0]["column"] == "A"
    assert OutreachEvent.objects.count() == 0


def test_session_users_need_the_csrf_token(net, staff_qk, ledger):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_qk)
    assert post(client, ledger("outreach-events", [outreach()])).status_code == 403


def test_background_import_and_its_status(net, staff_qk, ledger):
    client = token_client(staff_qk)
    response = post(client, ledger("outreach-events", [outreach()]), "?dry_run=0&background=1")
    assert response.status_code == 202
    status = client.get(response.json()["status_url"])
    assert status.status_code == 200 and status.json()["state"] == ImportJob.State.COMMITTED
    other = token_client(net.user("other", "WH-QK-01", Role.OUTLET_STAFF))
    assert other.get(response.json()["status_url"]).status_code == 404


def test_unknown_kind_is_404(net, staff_qk, ledger):
    response = token_client(staff_qk).post("/api/v1/ledgers/nope/import/", {}, format="multipart")
    assert response.status_code == 404


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/vnd.ms-excel"])
def test_export_xlsx_with_filters(net, staff_qk, accept):
    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    client = token_client(staff_qk)
    response = client.get("/api/v1/ledgers/outreach-events/export.xlsx?date_from=2025-01-01", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].values)
    assert rows[0][0].startswith("外出金融服务 · WH-QK-01 网点 (WH-QK-01) · 2025-01-01 起 · 导出于 ")  # the title row
    assert rows[1][:2] == ("机构", "日期") and rows[2][0] == "WH-QK-01"
    empty = client.get("/api/v1/ledgers/outreach-events/export.xlsx?date_from=2030-01-01")
    assert len(list(load_workbook(io.BytesIO(b"".join(empty.streaming_content))).worksheets[0].values)) == 2


def test_export_refusals_are_json(net, staff_qk):
    client = token_client(staff_qk)
    bad = client.get("/api/v1/ledgers/outreach-events/export.xlsx?date_from=nonsense")
    assert bad.status_code == 400 and "date_from" in bad.json()
    assert APIClient().get("/api/v1/ledgers/outreach-events/export.xlsx").status_code == 401
