"""XLSX files in the ledger's own layout: the blank template (with an example row) and exports.

Both have the same first sheet (Chinese headers, dropdowns for choices and branch codes, real
dates, numbers with their decimals), an instructions sheet and a hidden sheet of the lists the
dropdowns read, so an exported file can be edited and imported again as it is (the import
skips an export's title row). An export also has a title row naming the kind, the node, the
dates and the export time above the header, columns as wide as their content, a frozen header,
an autofilter and landscape printing with the header on every page (core/sheets.py); it is
written in constant memory: the widths are measured on the first SAMPLE_ROWS rows, and the rows
are streamed into the sheet as XML (ledgers/sheet_rows.py).
"""

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.sheets import Widths, set_filter, set_layout, set_widths
from ledgers.columns import BranchColumn, ChoiceColumn, DateColumn, DecimalColumn, TimeColumn
from ledgers.files import max_rows
from ledgers.sheet_rows import PLACEHOLDER_ROW, splice_rows
from ledgers.specs import LedgerSpec

HEADER_FONT = Font(bold=True, color="FFFFFF")
REQUIRED_FONT = Font(bold=True, color="FFFF00")
HEADER_FILL = PatternFill("solid", fgColor="9C1C1C")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
EXAMPLE_FONT = Font(italic=True, color="7F6000")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
SAMPLE_ROWS = 500  # rows held to measure the columns before the sheet is streamed
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


def _lists_title() -> str:
    return _("Lists")[:31]


def _instructions_title() -> str:
    return _("Instructions")[:31]


def _data_sheet(wb: Workbook, spec: LedgerSpec, branch_codes: list[str], widths=None, title="", hints=False):
    """The first sheet of a write-only workbook with its title row (if any), headers (with each
    column's hint as a comment when `hints`), widths, formats and dropdowns (rows come after)."""
    ws = wb.create_sheet(spec.sheet_title())
    header_row = 2 if title else 1
    set_widths(ws, widths or [column.width for column in spec.columns])
    set_layout(ws, header_row=header_row)
    lists = []  # (column index in the data sheet, values)
    for position, column in enumerate(spec.columns, 1):
        letter = get_column_letter(position)
        if column.number_format:
            ws.column_dimensions[letter].number_format = column.number_format
        if isinstance(column, ChoiceColumn):
            lists.append((position, column.labels(), "stop"))
        elif isinstance(column, BranchColumn) and branch_codes:
            lists.append((position, branch_codes, "warning"))
    last_row = max_rows() + header_row
    list_sheet = wb.create_sheet(_lists_title())
    list_sheet.sheet_state = "hidden"
    list_sheet.append([spec.columns[p - 1].header for p, _values, _s in lists])
    longest = max((len(values) for _p, values, _s in lists), default=0)
    # The lists' rows (tens of thousands of branch codes for a head office) are spliced in as XML
    # once the workbook is saved (splice_rows): openpyxl would take a second for them.
    list_rows = (
        [values[index] if index < len(values) else None for _p, values, _s in lists] for index in range(longest)
    )
    for list_index, (position, values, style) in enumerate(lists, 1):
        source = get_column_letter(list_index)
        validation = DataValidation(
            type="list",
            formula1=f"'{list_sheet.title}'!${source}$2:${source}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle=style,
            errorTitle=_("Not in the list"),
            error=_("Pick a value from the dropdown list."),
        )
        letter = get_column_letter(position)
        validation.add(f"{letter}{header_row + 1}:{letter}{last_row}")
        ws.data_validations.append(validation)
    if title:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = TITLE_FONT
        ws.append([cell])
    header = []
    for column in spec.columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font, cell.fill = (REQUIRED_FONT if column.required else HEADER_FONT), HEADER_FILL
        if hints:
            cell.alignment = HEADER_ALIGNMENT
            cell.comment = Comment(column.hint(), "")
        header.append(cell)
    ws.append(header)
    return ws, ListRows(list_sheet, list_rows, len(lists))


@dataclass
class ListRows:
    """The hidden sheet of the dropdowns' lists and the rows still to be written into it."""

    sheet: object
    rows: Iterator[list]
    columns: int

    def part(self, wb: Workbook) -> tuple[int, tuple]:
        """(sheet index, (rows, first row, styles)) for splice_rows(): the rows from row 2 on."""
        return wb.worksheets.index(self.sheet), (self.rows, 2, [""] * self.columns)


def _styles(ws, spec: LedgerSpec) -> list[str]:
    """Each column's style attribute for the rows written as XML (ledgers/sheet_rows.py): dates,
    times and amounts in their number format, registered with the workbook's styles."""
    styles = []
    for column in spec.columns:
        if isinstance(column, (DecimalColumn, DateColumn, TimeColumn)):
            cell = WriteOnlyCell(ws)
            cell.number_format = column.number_format
            styles.append(f' s="{cell.style_id}"')
        else:
            styles.append("")
    return styles


def _instructions(wb: Workbook, spec: LedgerSpec) -> None:
    ws = wb.create_sheet(_instructions_title())
    for letter, width in (("A", 22), ("B", 10), ("C", 90)):
        ws.column_dimensions[letter].width = width

    def cell(value, **style):
        written = WriteOnlyCell(ws, value=value)
        for name, setting in style.items():
            setattr(written, name, setting)
        return written

    ws.append([cell(_("How to fill in the ledger of %(kind)s") % {"kind": spec.kind.label_plural}, font=TITLE_FONT)])
    for line in (
        _("1. Fill in one record per row of the first sheet, below the header row; keep the headers as they are."),
        _("2. The yellow row is an example: delete it before importing."),
        _("3. Columns with yellow headers are required. Pick values from the dropdown lists."),
        _("4. Dates are real dates (2025-08-14); amounts are numbers with at most 2 decimal places."),
        _("5. Enter values, not formulas; do not merge cells."),
        _("6. Never write a full resident ID number or mobile number, not even in the notes: such rows are refused."),
        _("7. Months approved by the parent branch are locked: rows in them are refused until the month is reopened."),
        _("8. At most %(n)s rows per file. Upload the file on the import page: a check lists every problem first.")
        % {"n": f"{max_rows():,}"},
    ):
        ws.append([line])
    ws.append([])
    ws.append([cell(text, font=BOLD) for text in (_("Column"), _("Required"), _("How to fill it in"))])
    for column in spec.columns:
        ws.append([column.header, _("yes") if column.required else "", cell(column.hint(), alignment=WRAP)])


def _save(wb: Workbook) -> str:
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as fh:
        wb.save(fh)
        return fh.name


def template_file(spec: LedgerSpec, branch_codes: list[str], example_branch: str, staff_names=()) -> str:
    """Path of a new blank template (the caller removes it), written in write-only mode: a head
    office's dropdown of branch codes lists tens of thousands."""
    with translation.override("zh-hans"):
        wb = Workbook(write_only=True)
        ws, lists = _data_sheet(wb, spec, branch_codes, hints=True)
        example = []
        values = spec.example_cells(example_branch, timezone.localdate(), staff_names)
        for column, value in zip(spec.columns, values, strict=True):
            cell = WriteOnlyCell(ws, value=value)
            cell.fill, cell.font = EXAMPLE_FILL, EXAMPLE_FONT
            if column.number_format:
                cell.number_format = column.number_format
            example.append(cell)
        ws.append(example)
        _instructions(wb, spec)
        wb.move_sheet(_instructions_title(), offset=-1)
        saved = _save(wb)
        lists_index, (rows, first_row, styles) = lists.part(wb)
    target = _new_path()
    try:
        splice_rows(saved, target, lists_index, rows, first_row, styles)
    finally:
        os.unlink(saved)
    return target


def content_widths(spec: LedgerSpec, rows: list) -> list[int]:
    """Column widths from the headers and the rows as the cells will show them."""
    widths = Widths(len(spec.columns))
    widths.add([column.header for column in spec.columns])
    formats = [column.number_format for column in spec.columns]
    for values in rows:
        widths.add(values, formats)
    return widths.widths


def export_file(spec: LedgerSpec, branch_codes: list[str], rows, title: str = "", path=None) -> str:
    """Path of an XLSX of `rows` (lists of cell values, ledgers.exporting.ExportRows), written
    in constant memory: only the first SAMPLE_ROWS rows are held, to size the columns; the rows
    are then streamed into the sheet as XML (ledgers/sheet_rows.py). Written to `path` when
    given, else to a new temporary file."""
    with translation.override("zh-hans"):
        rows = iter(rows)
        head = list(islice(rows, SAMPLE_ROWS))
        wb = Workbook(write_only=True)
        ws, lists = _data_sheet(wb, spec, branch_codes, widths=content_widths(spec, head), title=title)
        styles = _styles(ws, spec)
        _instructions(wb, spec)
        header_row = 2 if title else 1
        set_filter(ws, header_row=header_row, columns=len(spec.columns), last_row=PLACEHOLDER_ROW)
        sheet_index = wb.worksheets.index(ws)
        more = dict([lists.part(wb)])
        template = _save(wb)
    target = str(path) if path is not None else _new_path()
    try:
        splice_rows(template, target, sheet_index, chain(head, rows), header_row + 1, styles, more=more)
    finally:
        os.unlink(template)
    return target


def _new_path() -> str:
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as fh:
        return fh.name


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
