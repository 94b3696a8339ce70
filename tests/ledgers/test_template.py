"""The downloadable template of every record kind: Chinese headers, dropdowns, real dates and
numbers, an example row and instructions; and a ledger that leaves no field a user sets."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from core.kinds import record_kinds
from ledgers.columns import ChoiceColumn, DecimalColumn
from ledgers.specs import all_specs, spec_for
from tests.ledgers.conftest import headers

SLUGS = [k.slug for k in record_kinds()]
NOT_IN_LEDGER = {"linked_type", "linked_id"}  # an honour's linked record may be left out


def download(client, slug):
    response = client.get(f"/ledgers/{slug}/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("slug", SLUGS)
def test_template_has_chinese_headers_dropdowns_example_and_instructions(client, net, staff_qk, slug):
    client.force_login(staff_qk)
    wb = download(client, slug)
    spec = spec_for(slug)
    data = wb.worksheets[0]
    assert [c.value for c in data[1]] == headers(slug)
    with translation.override("zh-hans"):
        assert headers(slug)[:2] == ["机构", str(spec.model._meta.get_field("occurred_on").verbose_name)]
    assert len(wb.sheetnames) == 3 and wb[wb.sheetnames[2]].sheet_state == "hidden"
    instructions = wb[wb.sheetnames[1]]
    listed = [row[0] for row in instructions.iter_rows(values_only=True)]
    assert all(h in listed for h in headers(slug))  # one line per column

    example = {c.name: data.cell(row=2, column=i).value for i, c in enumerate(spec.columns, 1)}
    assert example["branch"] == "WH-QK-01"  # the user's own branch
    assert isinstance(example["occurred_on"], datetime.datetime)  # a real Excel date
    assert data.cell(row=2, column=2).number_format == "yyyy-mm-dd"
    with translation.override("zh-hans"):
        hints = [column.hint() for column in spec.columns]
    assert [c.comment.text if c.comment else None for c in data[1]] == hints  # each header says how to fill it in
    assert {c.fill.fgColor.rgb for c in data[2]} == {"00FFF2CC"}  # the example row stands out
    assert all(c.font.b for c in data[1])

    lists = wb[wb.sheetnames[2]]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in data.data_validations.dataValidation}
    for index, column in enumerate(spec.columns, 1):
        letter = data.cell(row=1, column=index).column_letter
        if isinstance(column, ChoiceColumn):
            dv = validations[f"{letter}2"]
            source = dv.formula1.split("!")[1].replace("$", "").split(":")
            values = [c.value for row in lists[source[0] : source[1]] for c in row]
            with translation.override("zh-hans"):
                assert values == column.labels()  # the Chinese labels
            assert example[column.name] in values
        if isinstance(column, DecimalColumn) and example.get(column.name) is not None:
            cell = data.cell(row=2, column=index)
            assert isinstance(cell.value, (int, float)) and cell.number_format.startswith("#,##0.")
    assert "WH-QK-01" in [c.value for row in lists.iter_rows() for c in row]  # branch dropdown


def test_choice_labels_are_chinese_and_money_has_two_decimals(client, net, staff_qk):
    client.force_login(staff_qk)
    wb = download(client, "financing")
    row = [c.value for c in wb.worksheets[0][2]]
    assert "科技金融" in row and "科创e担保" in row
    assert wb.worksheets[0].cell(row=2, column=8).number_format == "#,##0.00"
    assert Decimal(str(wb.worksheets[0].cell(row=2, column=8).value)) == Decimal("5000000")


def test_template_is_chinese_for_an_english_user(client, net, staff_qk):
    client.force_login(staff_qk)
    client.cookies["django_language"] = "en"
    page = client.get("/ledgers/")
    assert page.status_code == 200 and "Excel ledgers" in page.content.decode()  # the page is English
    wb = download(client, "home-visits")
    assert [c.value for c in wb.worksheets[0][1]][:3] == ["机构", "日期", "客户类别"]
    assert wb.worksheets[0].cell(row=2, column=3).value == "老年客户"


def test_template_needs_login(client, net):
    response = client.get("/ledgers/home-visits/template.xlsx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/ledgers/no-such-kind/template.xlsx").status_code == 302


def test_unknown_kind_is_404(client, net, staff_qk):
    client.force_login(staff_qk)
    assert client.get("/ledgers/no-such-kind/template.xlsx").status_code == 404


@pytest.mark.parametrize("slug", SLUGS)
def test_every_field_a_user_sets_has_a_column(slug):
    """Adding a field to a record kind without adding it to the ledger fails here."""
    spec = spec_for(slug)
    model = spec.model
    settable = {
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and getattr(f, "editable", False)
        and not f.primary_key
        and f.name not in model.system_fields
        and f.name not in NOT_IN_LEDGER
    } | {f.name for f in model._meta.many_to_many}
    assert settable - {c.name for c in spec.columns} == set()


def test_columns_are_defined_once_for_all_kinds():
    assert [s.slug for s in all_specs()] == SLUGS
    for spec in all_specs():
        assert spec.columns[0].name == "branch" and spec.columns[-1].name == "notes"
