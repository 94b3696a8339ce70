"""Files that are not what they claim: each gets a clear message, nothing is written, memory
stays bounded, and the pages answer without a 500."""

import random
import tracemalloc
import zipfile

import pytest
from django.utils import translation

from ledgers.models import ImportJob
from ledgers.specs import spec_for
from services.models import HomeVisit
from tests.ledgers.conftest import FILES, headers, run, visit

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE = (
    (
        "[Content_Types].xml",
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
    (
        "_rels/.rels",
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
    ),
    (
        "xl/workbook.xml",
        f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="上门服务" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    (
        "xl/_rels/workbook.xml.rels",
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
    ),
)


def raw_xlsx(path, rows, *, chunk=20000, prolog=""):
    """A minimal XLSX whose sheet XML is written row by row (for files too big for openpyxl)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in PACKAGE:
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'{prolog}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            buffer = []
            for row in rows:
                buffer.append(row)
                if len(buffer) >= chunk:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write("".join(buffer).encode() + b"</sheetData></worksheet>")
    return path


def header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(headers("home-visits"))
    )
    return f'<row r="1">{cells}</row>'


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory):
    rng = random.Random(8)
    rows = (f'<row r="{r}"><c r="B{r}"><v>{rng.randint(40000, 46000)}</v></c></row>' for r in range(2, 1_000_002))
    return raw_xlsx(tmp_path_factory.mktemp("big") / "million.xlsx", [header_row(), *rows])


def refused(path, user) -> str:
    """The file's refusal, in English whatever the catalogue holds (tests check the msgid)."""
    with translation.override("en"):
        outcome = run("home-visits", path, user, commit=True)
    assert outcome.file_error and outcome.created == 0 and not outcome.committed
    assert HomeVisit.objects.count() == 0
    return outcome.file_error


def test_a_picture_is_refused(tmp_path, net, staff_qk):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    assert "xlsx" in refused(path, staff_qk)


def test_a_csv_named_xlsx_is_read_as_csv_and_its_rows_checked(tmp_path, net, staff_qk):
    # CSV is accepted (issue 20): what the bytes are decides, not the name.
    path = tmp_path / "ledger.xlsx"
    path.write_text(",".join(headers("home-visits")) + "\nWH-QK-01,2025-08-14,老年客户,王**\n", encoding="utf-8")
    outcome = run("home-visits", path, staff_qk, commit=True)
    assert not outcome.file_error and outcome.created == 0 and HomeVisit.objects.count() == 0
    assert [(p["row"], p["column"]) for p in outcome.problems] == [(2, "F")]  # 事由 is required


def test_text_that_is_no_ledger_is_refused_saying_what_a_header_holds(tmp_path, net, staff_qk):
    path = tmp_path / "letter.xlsx"
    path.write_text("各位同事：\n请于月底前报送台账。\n", encoding="utf-8")
    message = refused(path, staff_qk)
    assert "header" in message and "机构" in message


def test_an_encrypted_workbook_is_refused(net, staff_qk):
    assert "password" in refused(FILES / "encrypted.xlsx", staff_qk)


def test_an_old_xls_file_is_refused(tmp_path, net, staff_qk):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    assert ".xls" in refused(path, staff_qk)


def test_a_zip_that_is_no_workbook_is_refused(tmp_path, net, staff_qk):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert "xlsx" in refused(path, staff_qk)


def test_an_empty_file_is_refused(tmp_path, net, staff_qk):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert refused(path, staff_qk)


def test_formula_cells_are_refused_naming_the_cell(ledger, net, staff_qk):
    path = ledger("home-visits", [visit(), visit(customer_name_masked="李**", duration_minutes="=10*3")])
    outcome = run("home-visits", path, staff_qk, commit=True)
    assert outcome.created == 0 and HomeVisit.objects.count() == 0
    (problem,) = outcome.problems
    assert problem["row"] == 3 and problem["column"] == "H" and "H3" in problem["message"]
    assert "=10*3" in problem["message"]


def test_error_values_are_refused(tmp_path, net, staff_qk):
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>WH-QK-01</t></is></c><c r="H2" t="e"><v>#DIV/0!</v></c></row>'
    outcome = run("home-visits", raw_xlsx(tmp_path / "e.xlsx", [header_row(), row]), staff_qk)
    assert any(p["column"] == "H" and "#DIV/0!" in p["message"] for p in outcome.problems)


def test_merged_header_cells_are_refused(ledger, net, staff_qk):
    path = ledger("home-visits", [visit()], edit=lambda ws: ws.merge_cells("C1:D1"))
    assert "C1:D1" in refused(path, staff_qk)


def test_merged_cells_in_rows_are_refused(ledger, net, staff_qk):
    path = ledger("home-visits", [visit(), visit(customer_name_masked="李**")], edit=lambda ws: ws.merge_cells("A2:A3"))
    assert "A2:A3" in refused(path, staff_qk)


def test_wrong_headers_are_refused(ledger, net, staff_qk):
    wrong = headers("home-visits")
    wrong[2] = "客户类型X"
    message = refused(ledger("home-visits", [visit()], header=wrong), staff_qk)
    assert "客户类型X" in message and "客户类别" in message  # the unknown one and the missing one


def test_missing_headers_are_refused(ledger, net, staff_qk):
    names = [c.name for c in spec_for("home-visits").columns]
    without = [h for h, n in zip(headers("home-visits"), names, strict=True) if n != "customer_group"]
    message = refused(ledger("home-visits", [], header=without), staff_qk)
    assert "客户类别" in message


def test_a_column_the_record_may_leave_blank_may_be_left_out(ledger, net, staff_qk):
    """Ledgers kept before a column existed (notes, a partnership) still import; the dry run says so."""
    names = [c.name for c in spec_for("home-visits").columns if c.name != "notes"]
    row = visit()
    path = ledger(
        "home-visits", [], header=headers("home-visits")[:-1], edit=lambda ws: ws.append([row.get(n) for n in names])
    )
    outcome = run("home-visits", path, staff_qk, commit=True)
    assert outcome.committed and outcome.created == 1
    assert any("备注" in note for note in outcome.notes)


def test_headers_in_another_order_are_accepted(ledger, net, staff_qk):
    row = visit()
    names = [c.name for c in spec_for("home-visits").columns][::-1]
    path = ledger(
        "home-visits", [], header=headers("home-visits")[::-1], edit=lambda ws: ws.append([row.get(n) for n in names])
    )
    outcome = run("home-visits", path, staff_qk, commit=True)
    assert outcome.committed and outcome.created == 1


def test_a_sheet_without_rows_is_refused(ledger, net, staff_qk):
    assert refused(ledger("home-visits", []), staff_qk)


def test_a_million_rows_are_refused_early_in_bounded_memory(million_rows, net, staff_qk):
    tracemalloc.start()
    try:
        message = refused(million_rows, staff_qk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "100,000" in message
    assert peak < 40 * 1024 * 1024


def test_a_zip_bomb_is_refused_before_inflating(tmp_path, net, staff_qk):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PACKAGE:
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for _ in range(64):
                sheet.write(b" " * (1024 * 1024))
            sheet.write(b"</sheetData></worksheet>")
    tracemalloc.start()
    try:
        message = refused(path, staff_qk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "zip" in message and peak < 10 * 1024 * 1024


def test_a_dtd_is_refused(tmp_path, net, staff_qk):
    prolog = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    path = raw_xlsx(tmp_path / "dtd.xlsx", [header_row()], prolog=prolog)
    assert "XML" in refused(path, staff_qk)


def test_bad_files_through_the_page_get_a_message_not_a_500(client, net, staff_qk, tmp_path):
    client.force_login(staff_qk)
    for name, content in (
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
        ("enc.xlsx", (FILES / "encrypted.xlsx").read_bytes()),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        with open(path, "rb") as fh:
            response = client.post("/ledgers/import/", {"kind": "home-visits", "file": fh}, follow=True)
        assert response.status_code == 200
        job = response.context["job"]
        assert job.state == ImportJob.State.FAILED and job.file_error in response.content.decode()
    assert HomeVisit.objects.count() == 0


def test_an_oversized_upload_is_refused_while_it_streams(client, net, staff_qk, tmp_path, settings):
    settings.LEDGER_MAX_UPLOAD_BYTES = 50_000
    client.force_login(staff_qk)
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200_000)
    with open(path, "rb") as fh:
        response = client.post("/ledgers/import/", {"kind": "home-visits", "file": fh})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert ImportJob.objects.count() == 0 and not any(settings.LEDGER_UPLOAD_DIR.glob("*"))


def test_an_ods_zip_bomb_is_refused_before_inflating(tmp_path, net, staff_qk):
    path = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>")
    assert "zip bomb" in refused(path, staff_qk)


def test_a_damaged_xls_or_ods_is_refused_saying_what_to_do(tmp_path, net, staff_qk):
    ods = tmp_path / "broken.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<not-closed>")
    assert ".ods" in refused(ods, staff_qk)
    xls = tmp_path / "broken.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 4000)
    assert ".xls" in refused(xls, staff_qk)


def test_text_in_an_unknown_encoding_is_refused_naming_the_encodings(tmp_path, net, staff_qk):
    path = tmp_path / "ledger.csv"
    path.write_bytes(b"\x81\x30\x81" * 10 + b"\xff\xfe\xfd" * 10)
    message = refused(path, staff_qk)
    assert "UTF-8" in message and "GB18030" in message
