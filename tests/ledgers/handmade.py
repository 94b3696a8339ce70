"""Writers of ledgers as clerks make them by hand, in every format the importer reads.

A book is a list of sheets (name, rows, merged ranges); each writer saves it as .xlsx
(openpyxl), .xls (xlwt, Excel 97-2003), .ods (OpenDocument, written here as its XML) or .csv
(the data sheet alone, in a given encoding and delimiter). tests/ledgers/test_handmade.py builds
its corpus with them; run this file to write the corpus to a folder and look at it in Excel or WPS:

    python -m tests.ledgers.handmade /tmp/corpus
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import xlwt
from openpyxl.utils import range_boundaries


@dataclass
class SheetData:
    name: str
    rows: list
    merged: list = field(default_factory=list)  # "A1:K1"


def xlsx(book: list[SheetData], path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in book:
        ws = wb.create_sheet(sheet.name)
        for row in sheet.rows:
            ws.append(list(row))
        for ref in sheet.merged:
            ws.merge_cells(ref)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (datetime.date, datetime.datetime)):
                    cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def xls(book: list[SheetData], path: Path) -> Path:
    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for sheet in book:
        ws = wb.add_sheet(sheet.name)
        merged_cells = set()
        for ref in sheet.merged:
            left, top, right, bottom = range_boundaries(ref)
            first = sheet.rows[top - 1][left - 1] if len(sheet.rows[top - 1]) >= left else ""
            ws.write_merge(top - 1, bottom - 1, left - 1, right - 1, first)
            merged_cells |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        for r, row in enumerate(sheet.rows, 1):
            for c, value in enumerate(row, 1):
                if value is None or (r, c) in merged_cells:
                    continue
                if isinstance(value, Decimal):
                    value = float(value)
                if isinstance(value, (datetime.date, datetime.datetime)):
                    ws.write(r - 1, c - 1, value, date_style)
                else:
                    ws.write(r - 1, c - 1, value)
    wb.save(str(path))
    return path


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods_cell(value, span: int = 1) -> str:
    spanned = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    if value is None:
        return f"<table:table-cell{spanned}/>"
    if isinstance(value, bool):
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}"{spanned}/>'
    if isinstance(value, (int, float, Decimal)):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{spanned}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, datetime.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"{spanned}>'
            f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
        )
    lines = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
    return f'<table:table-cell office:value-type="string"{spanned}>{lines}</table:table-cell>'


def ods(book: list[SheetData], path: Path) -> Path:
    tables = []
    for sheet in book:
        spans = {}
        for ref in sheet.merged:  # merges across one row only (titles)
            left, top, right, _bottom = range_boundaries(ref)
            spans[(top, left)] = right - left + 1
        rows = []
        for r, row in enumerate(sheet.rows, 1):
            cells, skip = [], 0
            for c, value in enumerate(row, 1):
                if skip:
                    skip -= 1
                    cells.append("<table:covered-table-cell/>")
                    continue
                span = spans.get((r, c), 1)
                skip = span - 1
                cells.append(_ods_cell(value, span))
            for _ in range(skip):
                cells.append("<table:covered-table-cell/>")
            rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        tables.append(f'<table:table table:name="{escape(sheet.name)}">{"".join(rows)}</table:table>')
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_file(rows: list, path: Path, *, encoding="utf-8", bom=False, delimiter=",") -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    data = out.getvalue().encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


if __name__ == "__main__":  # pragma: no cover - a look at the corpus by hand
    import sys

    from tests.ledgers.test_handmade import CASES

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "handmade-ledgers")
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        print(case.write(folder))
