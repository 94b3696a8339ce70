"""The layout every XLSX export shares: a title row naming what the table is, the header row
below it (frozen, filtered, repeated on every printed page), columns as wide as their content
and A4 landscape printing fitted to the page width.

Widths count CJK characters double (an East Asian wide character takes two columns of the
default font) and are capped for text; a number's column is always wide enough for the number
as its format shows it, so a spreadsheet never shows ###. Works for openpyxl's normal and
write-only worksheets: call `set_widths` and `set_layout` before the first row is appended to a
write-only sheet (the column widths, the frozen pane and the page properties are written first),
`set_filter` any time before the workbook is saved.
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from openpyxl.utils import get_column_letter

MIN_WIDTH = 8
MAX_TEXT_WIDTH = 50
PADDING = 2
PAPER_A4 = 9  # the paperSize code of A4 (Worksheet.PAPERSIZE_A4)
_DECIMALS = re.compile(r"\.(0+)")


def text_width(text: str) -> int:
    """Display width of a line: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown(value, number_format: str | None = None) -> str:
    """The text a spreadsheet shows for a value in a number format (near enough to size a column)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m" if number_format and "d" not in number_format.lower() else "%Y-%m-%d")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    fmt = number_format or "General"
    match = _DECIMALS.search(fmt)
    places = len(match[1]) if match else 0
    grouping = "," if "," in fmt else ""
    if "%" in fmt:
        return f"{Decimal(str(value)) * 100:{grouping}.{places}f}%"
    if fmt == "General":
        return str(value)
    return f"{Decimal(str(value)):{grouping}.{places}f}"


def cell_width(value, number_format: str | None = None) -> int:
    text = shown(value, number_format)
    width = max((text_width(line) for line in text.splitlines()), default=0) + PADDING
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return width  # never capped: a number cut short shows as ###
    return min(width, MAX_TEXT_WIDTH)


class Widths:
    """The widest cell of each column seen so far (headers included)."""

    def __init__(self, columns: int, minimum: int = MIN_WIDTH):
        self.widths = [minimum] * columns

    def add(self, values, formats=None) -> None:
        formats = formats or [None] * len(values)
        for index, (value, fmt) in enumerate(zip(values, formats, strict=False)):
            if index < len(self.widths):
                self.widths[index] = max(self.widths[index], cell_width(value, fmt))


def set_widths(ws, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def set_layout(ws, *, header_row: int, frozen_columns: int = 0) -> None:
    """Frozen header (and first columns), A4 landscape fitted to the width, header on every page."""
    ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def set_filter(ws, *, header_row: int, columns: int, last_row: int) -> None:
    """An autofilter over the header and the data rows (a totals row below stays out of it)."""
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(max(columns, 1))}{max(last_row, header_row)}"
