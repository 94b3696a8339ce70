"""XLSX and CSV exports of the dashboard's tables."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from core.catalogue import METRICS
from services.services import financing_create, home_visit_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(net, manager_qk):
    home_visit_create(user=manager_qk, **record_data("home-visits", net))
    home_visit_create(user=manager_qk, **(record_data("home-visits", net) | {"branch": net["WH-QK-02"]}))
    financing_create(user=manager_qk, **(record_data("financing", net) | {"amount": Decimal("1472.50")}))
    return net


def export(client, code, kind, **params):
    return client.get(reverse(f"dashboard:export-{kind}", args=[code]), {"period": "2025", **params})


def test_xlsx_has_chinese_headers_frozen_rows_and_yuan_format(client, recorded, analyst_wh):
    client.force_login(analyst_wh)
    response = export(client, "WH", "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="dashboard-WH-2025.xlsx"' in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(wb.worksheets) == 2
    metrics, children = wb.worksheets
    assert metrics.freeze_panes == "A2" and children.freeze_panes == "C2"
    assert metrics.cell(1, 3).value == "2025年" and metrics.cell(1, 4).value == "2024年"
    rows = {r[1]: r for r in metrics.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(METRICS)
    assert rows["home_visits"][0] == "上门服务次数" and rows["home_visits"][2] == 2
    assert rows["financing_amount_cny"][2] == 1472.5
    money_row = next(r for r in metrics.iter_rows(min_row=2) if r[1].value == "financing_amount_cny")
    assert money_row[2].number_format == "#,##0.00"

    headers = [c.value for c in children[1]]
    assert headers[:2] == ["机构代码", "名称"] and "上门服务次数" in headers
    codes = [r[0] for r in children.iter_rows(min_row=2, values_only=True)]
    assert codes == ["WH-QK", "WH-BBT", "WH-HY", "WH"]  # the children, then the whole subtree
    qk = next(children.iter_rows(min_row=2, max_row=2, values_only=True))
    assert qk[headers.index("上门服务次数")] == 2
    money_col = headers.index(str(METRICS["financing_amount_cny"].label))
    assert children.cell(2, money_col + 1).number_format == "#,##0.00"
    assert all(cell.font.bold for cell in children[1])


def test_csv_has_a_bom_and_parses(client, recorded, analyst_wh):
    client.force_login(analyst_wh)
    response = export(client, "WH", "csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2] == "2025年" and len(rows) == 1 + len(METRICS)
    by_key = {r[1]: r for r in rows[1:]}
    assert by_key["home_visits"][2] == "2" and by_key["financing_amount_cny"][2] == "1472.50"

    children = export(client, "WH-QK", "csv", table="children")
    rows = list(csv.reader(io.StringIO(children.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["机构代码", "名称"]
    assert [r[0] for r in rows[1:]] == ["WH-QK-01", "WH-QK-02", "WH-QK"]
    assert rows[1][rows[0].index("上门服务次数")] == "1"


def test_csv_of_an_unknown_table_is_400(client, recorded, analyst_wh):
    client.force_login(analyst_wh)
    assert export(client, "WH", "csv", table="secrets").status_code == 400


def test_a_branch_name_is_never_a_spreadsheet_formula(client, net, root_user, analyst_wh):
    from branches.services import branch_update

    branch_update(net["WH-BBT"], user=root_user, name="=HYPERLINK(1)")
    client.force_login(analyst_wh)
    rows = list(csv.reader(io.StringIO(export(client, "WH", "csv", table="children").content.decode("utf-8-sig"))))
    assert "'=HYPERLINK(1)" in [r[1] for r in rows]
    wb = openpyxl.load_workbook(io.BytesIO(export(client, "WH", "xlsx").content))
    assert "'=HYPERLINK(1)" in [r[1] for r in wb.worksheets[1].iter_rows(values_only=True)]
