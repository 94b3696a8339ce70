"""The sheets of an uploaded ledger, whatever the format it came in.

.xlsx is streamed by ledgers/sheet.py after the checks of ledgers/files.py (size, zip bomb,
declarations, row limit); .xls (Excel 97-2003) and .ods are read with python-calamine, which
only reads values (never runs a macro); .csv is decoded as UTF-8 (with or without BOM), UTF-16
(Excel's “Unicode text”) or GB18030 (what Excel on Chinese Windows writes, a superset of GBK).
Every sheet yields rows as ledgers/sheet.py does: (row number, {column index: (kind, value)}).
"""

import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ledgers import files
from ledgers.files import OLE_MAGIC, ZIP_MAGIC, FileRefused, Workbook, max_rows
from ledgers.sheet import VALUE, iter_rows

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
CSV_ENCODINGS = ("utf-8", "gb18030")


@dataclass
class Sheet:
    """One sheet: its rows from the top, and (once prepared) its size and merged ranges."""

    name: str
    hidden: bool = False
    merged: list = field(default_factory=list)
    data_rows: int = 0
    workbook: Workbook | None = None  # .xlsx: streamed
    table: list | None = None  # .xls, .ods, .csv: read whole (they are small)

    def rows(self) -> Iterator[tuple[int, dict]]:
        if self.workbook is not None:
            return iter_rows(self.workbook)
        return iter(self.table)

    def prepare(self) -> None:
        """Row limit and merged cells, before any row is parsed."""
        if self.workbook is not None:
            files.prescan(self.workbook, max_rows())
            self.merged = self.workbook.merged
        elif len(self.table) - 1 > max_rows():
            files._too_many(max_rows())
        else:
            self.data_rows = max(len(self.table) - 1, 0)

    @property
    def total(self) -> int:
        return self.workbook.data_rows if self.workbook is not None else self.data_rows


@dataclass
class Source:
    sheets: list
    archive: zipfile.ZipFile | None = None

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def _cells(values) -> dict:
    cells = {}
    for position, value in enumerate(values, 1):
        if value is None or value == "":
            continue
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            value = int(value)
        cells[position] = (VALUE, value)
    return cells


def _table(rows, first_row: int = 1, first_column: int = 1) -> list:
    table = []
    for offset, values in enumerate(rows):
        cells = _cells(values)
        if first_column > 1:
            cells = {position + first_column - 1: cell for position, cell in cells.items()}
        if cells:
            table.append((first_row + offset, cells))
    return table


def _refuse_size(path) -> None:
    size = os.path.getsize(path)
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if size > files.max_upload_bytes():
        raise FileRefused(
            _("The file is larger than %(mb)s MB. Split the ledger into several files.")
            % {"mb": files.max_upload_bytes() // (1024 * 1024)}
        )


def open_source(path) -> Source:
    """The sheets of the file at `path`, by what its bytes are (the name may be wrong)."""
    _refuse_size(path)
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(OLE_MAGIC):
        with open(path, "rb") as fh:
            if files._has_encryption_streams(fh):
                files.sniff(path)  # says the workbook is password-protected
        return _calamine(path, "xls")
    if head.startswith(ZIP_MAGIC):
        if _is_ods(path):
            files.open_archive(path).close()  # sizes, ratio, encryption: as for .xlsx
            return _calamine(path, "ods")
        return _xlsx(path)
    if _looks_like_text(head):
        return _csv(path)
    files.sniff(path)  # a picture, a PDF, anything else: its own message
    raise FileRefused(_("This file is not an Excel workbook (.xlsx)."))


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return bool(head) and b"\x00" not in head


def _is_ods(path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            return "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return False


# --- .xlsx -------------------------------------------------------------------------------


def _xlsx(path) -> Source:
    files.sniff(path)
    archive = files.open_archive(path)
    try:
        return Source(_xlsx_sheets(archive), archive)
    except BaseException:
        archive.close()
        raise


def _xlsx_sheets(archive: zipfile.ZipFile) -> list:
    """Every worksheet, in the workbook's order, sharing the strings and date styles."""
    first = files.read_workbook(archive)  # the checks and messages of a single-sheet read
    try:
        root_rels = files._relationships(archive, "")
        part = next((t for ty, t in root_rels.values() if ty.endswith("/officeDocument")), "xl/workbook.xml")
        book = files._read_xml(archive, part)
        rels = files._relationships(archive, part)
        sheets = []
        for element in book.iter():
            if files._local(element.tag) != "sheet":
                continue
            rel = rels.get(element.get(files.DOC_REL))
            if rel is None or not rel[0].endswith("/worksheet"):
                continue
            workbook = Workbook(
                archive=archive,
                sheet_path=rel[1],
                sheet_name=element.get("name", ""),
                strings=first.strings,
                date_styles=first.date_styles,
                epoch=first.epoch,
            )
            sheets.append(Sheet(workbook.sheet_name, element.get("state", "visible") != "visible", workbook=workbook))
    except FileRefused:
        raise
    except Exception:
        raise FileRefused(
            _("This workbook is damaged and cannot be read. Open it in Excel and save it again.")
        ) from None
    return sheets or [Sheet(first.sheet_name, workbook=first)]


# --- .xls and .ods -----------------------------------------------------------------------


def _calamine(path, kind: str) -> Source:
    from python_calamine import CalamineWorkbook  # imported when a file needs it

    try:
        sheets = []
        with open(path, "rb") as fh:  # by content: the stored upload's name ends in .xlsx
            book = CalamineWorkbook.from_filelike(fh)
            for meta in book.sheets_metadata:
                if "WorkSheet" not in str(meta.typ):
                    continue
                sheet = book.get_sheet_by_name(meta.name)
                start = sheet.start or (0, 0)
                table = _table(sheet.to_python(skip_empty_area=True), start[0] + 1, start[1] + 1)
                merged = [_range_name(r) for r in (sheet.merged_cell_ranges or [])]
                sheets.append(Sheet(meta.name, "Visible" not in str(meta.visible), merged=merged, table=table))
            book.close()
    except FileRefused:
        raise
    except Exception:
        if kind == "xls":
            raise FileRefused(
                _(
                    "This old Excel file (.xls) cannot be read: it is damaged or not a workbook. "
                    "Open it in Excel and save it as “Excel Workbook (*.xlsx)”."
                )
            ) from None
        raise FileRefused(
            _("This OpenDocument spreadsheet (.ods) cannot be read. Open it and save it as .xlsx.")
        ) from None
    if not sheets:
        raise FileRefused(_("This workbook has no worksheet."))
    return Source(sheets)


def _range_name(bounds) -> str:
    from openpyxl.utils import get_column_letter

    (top, left), (bottom, right) = bounds
    return f"{get_column_letter(left + 1)}{top + 1}:{get_column_letter(right + 1)}{bottom + 1}"


# --- .csv --------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (GBK's superset)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(
        _("This text file is neither UTF-8 nor GBK/GB18030. Save it from Excel as “CSV UTF-8” or as .xlsx.")
    )


def _csv(path) -> Source:
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise FileRefused(
            _("This text file is neither UTF-8 nor GBK/GB18030. Save it from Excel as “CSV UTF-8” or as .xlsx.")
        ) from None
    sample = text[:8192]
    delimiter = max(",\t;", key=lambda d: sample.split("\n", 1)[0].count(d))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise FileRefused(_("This CSV file cannot be read: a quoted field is not closed.")) from None
    if len(rows) - 1 > max_rows():
        files._too_many(max_rows())
    name = os.path.basename(str(path))
    return Source([Sheet(name, table=_table([[_csv_value(v) for v in row] for row in rows]))])


def _csv_value(text: str):
    """CSV fields are text; the portal's own export marks text that looks like a formula with '."""
    text = text.strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text
