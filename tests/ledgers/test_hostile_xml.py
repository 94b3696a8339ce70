"""Hostile XML inside a ledger (issue 15, items 11 and 12).

Item 11: a document type declaration with internal entities (a "billion laughs") placed after
the first 4,096 bytes of a part, where the old check did not look, in every XML part the reader
parses (package and workbook relationships, workbook, styles, shared strings, the sheet), in
UTF-8 and UTF-16: the file is refused, nothing is expanded.

Item 12: cell references beyond Excel's sheet (columns past XFD, rows past 1,048,576, numbers of
any length) in a cell's `r`, a row's `r`, the sheet's dimension and its merged cells: the job ends
refused with a clear message, never "internal error". References inside the sheet are not refused
for being references.
"""

import re
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledgers import jobs
from ledgers.models import ImportJob
from services.models import HomeVisit
from tests.ledgers.conftest import headers, run, visit

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="0"/><fonts count="1"><font><sz val="11"/></font></fonts>'
    '<fills count="1"><fill><patternFill/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>'
)
DECLARATION = '<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\n'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lollollollollol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
INTERNAL_ERROR = "internal error"
MAX_COLUMN, MAX_ROW = 16_384, 1_048_576  # Excel: XFD1048576
# The parts the reader parses, by their name in the package below.
PARTS = [
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/sharedStrings.xml",
    "xl/worksheets/sheet1.xml",
]


def cell_text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def sheet_xml(
    header_cells: str, *, row2_ref='r="2"', cell_ref=None, header_ref=None, dimension=None, merged=None
) -> str:
    row = visit()
    names = ["branch", "occurred_on", "customer_group", "customer_name_masked", "purpose", "staff"]
    with translation.override("zh-hans"):
        from ledgers.specs import spec_for

        columns = [c.name for c in spec_for("home-visits").columns]
    cells = []
    for name in names:
        position = columns.index(name)
        letter = chr(65 + position)
        ref = cell_ref if (cell_ref and name == "purpose") else f"{letter}2"
        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(cell_text(row[name]))}</t></is></c>')
    if header_ref:  # one more header cell, where the reference says
        header_cells += f'<c r="{header_ref}" t="inlineStr"><is><t>备注二</t></is></c>'
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merge = f'<mergeCells count="1"><mergeCell ref="{merged}"/></mergeCells>' if merged else ""
    return (
        f'<worksheet xmlns="{MAIN}">{dim}<sheetData><row r="1">{header_cells}</row>'
        f"<row {row2_ref}>{''.join(cells)}</row></sheetData>{merge}</worksheet>"
    )


def package(**sheet) -> dict[str, str]:
    """A small but complete ledger: shared strings for the headers, styles, one visit."""
    names = headers("home-visits")
    strings = "".join(f"<si><t>{escape(h)}</t></si>" for h in names)
    header_cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(names)))
    return {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/>'
        '<sheets><sheet name="上门服务" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}" count="{len(names)}" uniqueCount="{len(names)}">{strings}</sst>',
        "xl/worksheets/sheet1.xml": sheet_xml(header_cells, **sheet),
    }


def write(path, parts: dict[str, str | bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text if isinstance(text, bytes) else text.encode())
    return path


def hostile(text: str, *, padding: int, encoding: str) -> bytes:
    """The part with an entity-expanding DTD after `padding` bytes of comment, an entity used
    in its first text or attribute value, in the encoding."""
    body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
    used = re.sub(r"(<t>)", r"\1&lol3;", body, count=1)
    if used == body:
        used = re.sub(r'(Target|name|val)="', r'\1="&lol3;', body, count=1)
    comment = "<!--" + "x" * max(padding - 7, 0) + "-->"
    return (DECLARATION.format(encoding=encoding) + comment + LAUGHS + used).encode(encoding)


def test_the_package_itself_is_a_good_ledger(tmp_path, net, staff_qk):
    outcome = run("home-visits", write(tmp_path / "ok.xlsx", package()), staff_qk)
    assert not outcome.file_error and outcome.rows == 1 and outcome.good_rows == 1, outcome.problems


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_entity_declaration_after_4096_bytes_of_any_part_is_refused(tmp_path, net, staff_qk, part, encoding):
    @settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(padding=st.integers(0, 200_000))
    @example(padding=4097)
    @example(padding=5000)
    def check(padding):
        parts = package()
        parts[part] = hostile(parts[part], padding=padding, encoding=encoding)
        with translation.override("en"):
            outcome = run("home-visits", write(tmp_path / "laughs.xlsx", parts), staff_qk, commit=True)
        assert outcome.file_error == "This workbook holds XML declarations that are not allowed in a ledger.", (
            part,
            padding,
            outcome.file_error,
        )
        assert not outcome.committed and HomeVisit.objects.count() == 0

    check()


LETTERS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=40)
DIGITS = st.text("0123456789", min_size=1, max_size=30).filter(lambda d: d.lstrip("0"))


def beyond(letters: str, digits: str) -> bool:
    column = 0
    for char in letters.upper():
        column = column * 26 + ord(char) - 64
    return column > MAX_COLUMN or int(digits) > MAX_ROW


def job_for(tmp_path, user, parts) -> ImportJob:
    path = write(tmp_path / "refs.xlsx", parts)
    job = jobs.create_job_from_path(user=user, kind="home-visits", path=path, name="台账.xlsx")
    with translation.override("en"):
        jobs.run(job.pk, commit=False, language="en")
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("place", ["header", "cell", "row", "dimension", "merged"])
def test_a_reference_beyond_the_sheet_is_a_refused_file_never_an_internal_error(
    tmp_path, settings, net, staff_qk, place
):
    settings.LEDGER_UPLOAD_DIR = tmp_path / "uploads"

    @settings_for_refs
    @given(letters=LETTERS, digits=DIGITS)
    @example(letters="ZZZZ", digits="3")
    @example(letters="Z" * 40, digits="3")
    @example(letters="XFD", digits="1048576")
    @example(letters="XFE", digits="2")
    @example(letters="C", digits="9" * 30)
    def check(letters, digits):
        ref = letters + digits
        sheet = {
            "header": {"header_ref": letters + "1"},
            "cell": {"cell_ref": ref},
            "row": {"row2_ref": f'r="{digits}"'},
            "dimension": {"dimension": f"A1:{ref}"},
            "merged": {"merged": f"A2:{ref}"},
        }[place]
        job = job_for(tmp_path, staff_qk, package(**sheet))
        error = job.file_error or ""
        assert INTERNAL_ERROR not in error, (ref, error)
        out_of_sheet = beyond(letters, "1" if place == "header" else digits)
        if place == "row":
            out_of_sheet = int(digits) > MAX_ROW
        if out_of_sheet:
            assert job.state == ImportJob.State.FAILED and "outside any Excel sheet" in error, (ref, job.state, error)
        else:
            assert "outside any Excel sheet" not in error, (ref, error)

    check()


settings_for_refs = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
