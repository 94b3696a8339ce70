"""The record-list XLSX export is fit to hand over and print (issue 22): a title row (kind, node,
dates, export time), widths from content, frozen header, autofilter, A4 landscape fitted to the
width with the header row on every page; still streamed, and still importable as it is."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from branches.models import Role
from ledgers import workbooks
from ledgers.columns import DecimalColumn
from ledgers.specs import spec_for
from services.services import financing_create
from tests.conftest import record_data
from tests.ledgers.conftest import run

pytestmark = pytest.mark.django_db
BIG = Decimal("987654321098.76")
LONG_NOTE = "为辖内科技型小微企业提供首贷续贷和知识产权质押融资服务" * 2


@pytest.fixture
def writer(net):
    return net.user("writer", "WH", Role.BRANCH_MANAGER)


def export_sheet(client, slug, query=""):
    response = client.get(f"/ledgers/{slug}/export.xlsx{query}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).worksheets[0], data


def width(ws, index: int) -> float:
    return ws.column_dimensions[get_column_letter(index)].width


def test_the_export_has_a_title_row_fitted_columns_a_filter_and_print_setup(client, net, writer, tmp_path):
    financing_create(user=writer, **(record_data("financing", net) | {"amount": BIG, "notes": LONG_NOTE}))
    financing_create(user=writer, **(record_data("financing", net) | {"amount": Decimal("1472.50")}))
    spec = spec_for("financing")
    client.force_login(writer)
    ws, data = export_sheet(client, "financing", "?branch=WH&date_from=2025-01-01&date_to=2025-12-31")
    title = ws.cell(1, 1).value
    assert title.startswith("金融“五篇大文章” · ") and "WH 网点 (WH)" in title and "2025-01-01 至 2025-12-31" in title
    assert "导出于" in title and ws.cell(1, 1).font.bold
    assert [c.value for c in ws[2]] == spec.headers()
    columns = len(spec.columns)
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:{get_column_letter(columns)}4"
    assert ws.print_title_rows.replace("$", "") == "2:2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    amount = next(i for i, c in enumerate(spec.columns, 1) if isinstance(c, DecimalColumn) and c.name == "amount")
    big = next(ws.cell(r, amount) for r in (3, 4) if ws.cell(r, amount).value > 10**6)
    assert big.number_format.startswith("#,##0")
    assert width(ws, amount) >= len("987,654,321,098.76")  # never ###
    notes = next(i for i, c in enumerate(spec.columns, 1) if c.name == "notes")
    assert width(ws, notes) == 50  # long CJK text: capped, not 8.43 and not 120
    # an exported file is still imported as it is (its title row skipped)
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    outcome = run("financing", path, writer, commit=False)
    assert outcome.rows == 2 and "第 1 行是标题，已跳过。" in outcome.notes
    assert outcome.problem_count == outcome.duplicate_count == 2  # only: the records are still in the portal


def test_only_the_first_rows_are_held_to_size_the_columns(client, net, writer, monkeypatch):
    monkeypatch.setattr(workbooks, "SAMPLE_ROWS", 1)
    financing_create(user=writer, **(record_data("financing", net) | {"amount": Decimal("5.00")}))
    financing_create(user=writer, **(record_data("financing", net) | {"amount": BIG, "notes": LONG_NOTE}))
    client.force_login(writer)
    ws, _data = export_sheet(client, "financing", "?branch=WH")
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 2  # the held row and the streamed one
    assert ws.auto_filter.ref.endswith("4")
    assert "全部日期" in ws.cell(1, 1).value


def test_content_widths_count_cjk_double_and_numbers_in_their_format():
    from core.sheets import cell_width, shown, text_width

    assert text_width("上门服务abc") == 11
    assert shown(Decimal("1234567.5"), "#,##0.00") == "1,234,567.50" and shown(12345, "#,##0") == "12,345"
    assert shown(Decimal("0.1234"), "0.0%") == "12.3%"
    assert cell_width("融资金额（元）") == 16 and cell_width("字" * 100) == 50
    assert cell_width(Decimal("9" * 45), "#,##0") > 50  # a number is never cut


def test_markup_characters_in_a_cell_come_back_as_written(client, net, writer):
    """Only the cells holding &, < or > are escaped in the streamed sheet XML: each reads back
    as written, next to cells that needed nothing."""
    notes = ["A&B <公司> 3>2", "普通备注", "&amp; is text"]
    for note in notes:
        financing_create(user=writer, **(record_data("financing", net) | {"notes": note}))
    client.force_login(writer)
    ws, _data = export_sheet(client, "financing")
    column = [c.name for c in spec_for("financing").columns].index("notes")
    assert sorted(row[column] for row in ws.iter_rows(min_row=3, values_only=True)) == sorted(notes)
