"""The data rows of an export's sheet written as XML straight into the XLSX, in constant memory.

openpyxl spends some 10 µs on each cell it writes (a cell object, its type checks, its
coordinate, an lxml element), which keeps a ten-column export near 3,000 rows a second. Here
openpyxl writes the workbook with the title and header rows only (its styles, dropdowns,
layout, instructions), with the autofilter reaching a placeholder last row; the rows are then
spliced into its sheet as the XML openpyxl itself writes (inline strings, dates as serial
numbers, number formats by the style ids openpyxl gave them), streamed through the zip
compressor, and the placeholder is set to the real last row.
"""

import datetime
import re
import shutil
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

PLACEHOLDER_ROW = 1048576  # the last row a sheet can have: never a real export's last row
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold
EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()


def _number(value) -> str:
    return format(value, "f") if value.__class__ is Decimal else str(value)


def row_xml(values: list, row: int, letters: list[str], styles: list[str]) -> str:
    """One <row> as openpyxl writes it; `styles` holds each column's ` s="id"` (or "")."""
    parts = [f'<row r="{row}">']
    append = parts.append
    for letter, style, value in zip(letters, styles, values, strict=False):
        if value is None:
            continue
        kind = value.__class__
        if kind is str:
            if not value:
                continue
            if ILLEGAL.search(value):
                value = ILLEGAL.sub("", value)
            if "&" in value or "<" in value or ">" in value:  # most cells need no escaping: no call
                value = escape(value)
            append(f'<c r="{letter}{row}"{style} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>')
        elif kind is datetime.date:
            append(f'<c r="{letter}{row}"{style} t="n"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>')
        elif kind is datetime.time:
            seconds = value.hour * 3600 + value.minute * 60 + value.second
            append(f'<c r="{letter}{row}"{style} t="n"><v>{seconds / 86400!r}</v></c>')
        elif kind is bool:
            append(f'<c r="{letter}{row}"{style} t="b"><v>{int(value)}</v></c>')
        else:
            append(f'<c r="{letter}{row}"{style} t="n"><v>{_number(value)}</v></c>')
    append("</row>")
    return "".join(parts)


def splice_rows(
    template: str, path: str, sheet_index: int, rows, first_row: int, styles: list[str], *, more=None
) -> int:
    """Write to `path` the workbook saved at `template` with `rows` (lists of cell values)
    added to its sheet `sheet_index` (0-based) from `first_row` on; the placeholder last row
    becomes the real one. `more` ({sheet index: (rows, first row, styles)}) fills other sheets
    the same way (the hidden sheet of the lists the dropdowns read). Returns the number of rows
    of sheet `sheet_index`."""
    parts = {f"xl/worksheets/sheet{sheet_index + 1}.xml": (sheet_index, rows, first_row, styles)}
    for index, (other_rows, other_first, other_styles) in (more or {}).items():
        parts[f"xl/worksheets/sheet{index + 1}.xml"] = (index, other_rows, other_first, other_styles)
    counts = {}
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        later = []
        for info in source.infolist():
            if info.filename == "xl/workbook.xml":
                later.append(info)
                continue
            if info.filename not in parts:
                with source.open(info) as src, target.open(info.filename, "w") as dst:
                    shutil.copyfileobj(src, dst)
                continue
            index, part_rows, part_first, part_styles = parts[info.filename]
            head, tail = source.read(info).decode("utf-8").split("</sheetData>", 1)
            with target.open(info.filename, "w", force_zip64=True) as out:
                out.write(head.encode("utf-8"))
                counts[index] = _write_rows(out, part_rows, part_first, part_styles)
                last = part_first - 1 + counts[index]
                out.write(("</sheetData>" + _last_row(tail, last)).encode("utf-8"))
        for info in later:
            target.writestr(
                info.filename, _last_row(source.read(info).decode("utf-8"), first_row - 1 + counts[sheet_index])
            )
    return counts[sheet_index]


def _write_rows(out, rows, first_row: int, styles: list[str]) -> int:
    letters = [get_column_letter(i) for i in range(1, len(styles) + 1)]
    count = 0
    batch = []
    for row, values in enumerate(rows, first_row):
        batch.append(row_xml(values, row, letters, styles))
        count += 1
        if len(batch) == 1000:
            out.write("".join(batch).encode("utf-8"))
            batch = []
    out.write("".join(batch).encode("utf-8"))
    return count


def _last_row(xml: str, last: int) -> str:
    """The autofilter's (and its defined name's) placeholder last row set to `last`."""
    return re.sub(rf"(\$?[A-Z]+\$?){PLACEHOLDER_ROW}\b", lambda m: f"{m.group(1)}{last}", xml)
