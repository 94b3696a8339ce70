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
    home_visit_create(user=manager_qk, **record_data("home-visits", net, net["WH-QK-02"]))
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
    assert len(wb.worksheets) == 2 + len(METRICS)  # the two tables, then a monthly sheet per metric
    metrics, children = wb.worksheets[:2]
    assert metrics.freeze_panes == "A3" and children.freeze_panes == "C3"  # below the title and header rows
    assert metrics.cell(2, 3).value == "2025年" and metrics.cell(2, 4).value == "2024年"
    rows = {r[1]: r for r in metrics.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == set(METRICS)
    assert rows["home_visits"][0] == "上门服务次数" and rows["home_visits"][2] == 2
    assert rows["financing_amount_cny"][2] == 1472.5
    money_row = next(r for r in metrics.iter_rows(min_row=3) if r[1].value == "financing_amount_cny")
    assert money_row[2].number_format == "#,##0.00"

    headers = [c.value for c in children[2]]
    assert headers[:2] == ["机构代码", "名称"] and "上门服务次数" in headers
    codes = [r[0] for r in children.iter_rows(min_row=3, values_only=True)]
    assert codes == ["WH-QK", "WH-BBT", "WH-HY", "WH"]  # the children, then the whole subtree
    qk = next(children.iter_rows(min_row=3, max_row=3, values_only=True))
    assert qk[headers.index("上门服务次数")] == 2
    money_col = headers.index(str(METRICS["financing_amount_cny"].label))
    assert children.cell(3, money_col + 1).number_format == "#,##0.00"
    assert all(cell.font.bold for cell in children[2])


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
    month_sheet = wb[str(METRICS["home_visits"].label)]
    assert "'=HYPERLINK(1)" in [c.value for c in month_sheet[2]]


# ---- Layout fit to hand over and to print (issue 22) ----


def shown_width(value, number_format) -> int:
    """Characters Excel needs to show the value in its format (without ### )."""
    if number_format == "#,##0.00":
        return len(f"{value:,.2f}")
    if number_format == "#,##0":
        return len(f"{value:,.0f}")
    return len(str(value))


def width_of(ws, column: int) -> float:
    from openpyxl.utils import get_column_letter

    return ws.column_dimensions[get_column_letter(column)].width


def assert_print_ready(ws, header_row=2):
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows.replace("$", "") == f"{header_row}:{header_row}"  # repeated on every page
    assert ws.freeze_panes.endswith(str(header_row + 1))
    assert ws.auto_filter.ref.startswith(f"A{header_row}:")


@pytest.fixture
def big_money(net, manager_qk):
    financing_create(user=manager_qk, **(record_data("financing", net) | {"amount": Decimal("987654321098.76")}))
    return net


def test_xlsx_columns_fit_their_content_and_print_on_landscape_pages(client, recorded, big_money, analyst_wh):
    from openpyxl.utils import get_column_letter

    client.force_login(analyst_wh)
    wb = openpyxl.load_workbook(io.BytesIO(export(client, "WH", "xlsx").content))
    metrics, children = wb.worksheets[:2]
    # the title row names the table, the node, the period and the export time
    title = metrics.cell(1, 1).value
    assert title.startswith("指标") and "WH 网点 (WH)" in title and "2025年" in title and "导出于" in title
    assert metrics.cell(1, 1).font.bold and children.cell(1, 1).value.startswith("下级机构")
    # the metric names (long CJK text) are wider than the default 8.43, never cut
    longest = max(len(str(m.label)) for m in METRICS.values())
    assert width_of(metrics, 1) >= longest * 2 > 8.43
    # amounts are wide enough for their format: never ###
    for ws in (metrics, children):
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, (int, float)):
                    assert width_of(ws, cell.column) >= shown_width(cell.value, cell.number_format), cell.coordinate
    money = next(r for r in metrics.iter_rows(min_row=3) if r[1].value == "financing_amount_cny")[2]
    assert money.value == 987654321098.76 + 1472.5 and width_of(metrics, 3) >= len("987,654,322,571.26")
    # frozen header, autofilter over the table (the whole-subtree row stays out), print setup
    assert_print_ready(metrics)
    assert_print_ready(children)
    assert metrics.auto_filter.ref == f"A2:G{2 + len(METRICS)}"
    last = get_column_letter(2 + len(METRICS))
    assert children.auto_filter.ref == f"A2:{last}5"  # three children; row 6 is the subtree total
    assert children.freeze_panes == "C3"


def test_xlsx_has_a_monthly_sheet_per_metric(client, recorded, analyst_wh):
    client.force_login(analyst_wh)
    wb = openpyxl.load_workbook(io.BytesIO(export(client, "WH", "xlsx").content))
    monthly = wb.worksheets[2:]
    assert [ws.title for ws in monthly] == [str(m.label)[:31] for m in METRICS.values()]
    visits = wb[str(METRICS["home_visits"].label)]
    assert visits.cell(1, 1).value.startswith("上门服务次数（按月）") and "2025年" in visits.cell(1, 1).value
    assert [c.value for c in visits[2]] == [
        "月份",
        "WH-QK 网点",
        "WH-BBT 网点",
        "WH-HY 网点",
        "WH 网点（合计，含全部下级）",
    ]
    months = list(visits.iter_rows(min_row=3, max_row=14, values_only=True))
    assert [m[0].strftime("%Y-%m") for m in months] == [f"2025-{n:02d}" for n in range(1, 13)]
    assert visits.cell(3, 1).number_format == "yyyy-mm"
    day = record_data("home-visits", recorded)["occurred_on"]
    in_month = months[day.month - 1]
    assert in_month[1:] == (2, 0, 0, 2)  # both visits at 清江 (WH-QK-01 and -02), the subtree total
    assert sum(m[4] for m in months) == 2
    whole = [c.value for c in visits[15]]
    assert whole == ["全期（2025年）", 2, 0, 0, 2] and all(c.font.bold for c in visits[15])
    assert_print_ready(visits)
    assert visits.auto_filter.ref == "A2:E14" and visits.freeze_panes == "B3"
    money = wb[str(METRICS["financing_amount_cny"].label)]
    assert money.cell(3 + day.month - 1, 5).value == 1472.5 and money.cell(3, 5).number_format == "#,##0.00"


def test_a_leaf_exports_months_by_the_node_alone(client, recorded, analyst_wh):
    client.force_login(analyst_wh)
    wb = openpyxl.load_workbook(io.BytesIO(export(client, "WH-QK-01", "xlsx").content))
    visits = wb[str(METRICS["home_visits"].label)]
    assert [c.value for c in visits[2]][0] == "月份" and len(visits[2]) == 2


def test_the_xlsx_export_takes_the_same_queries_for_few_or_many_children(client, recorded, analyst_wh):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from branches.models import Branch

    client.force_login(analyst_wh)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert export(client, "WH", "xlsx").status_code == 200
        return len(captured)

    few = queries()
    for n in range(3):
        recorded.add(f"WH-N{n}", "WH", Branch.Level.SUB_BRANCH)
    assert queries() == few
