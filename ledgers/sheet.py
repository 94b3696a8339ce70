"""Rows of a ledger's sheet, streamed from the raw XML with expat, one row at a time.

openpyxl (which still reads the workbook's shared strings and styles, see ledgers/files.py)
spends about three times as long per cell in its read-only worksheet, and first scans the whole
sheet once more when the file has no <dimension>, as files written by openpyxl itself do: for a
50,000-row ledger that alone used a third of the one-minute budget. This reader keeps what the
import needs per cell: the value, or that it is a formula or an error.
"""

import datetime
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel, from_ISO8601

from ledgers.files import MAX_COLUMN, MAX_ROW, FileRefused, Workbook, outside_the_sheet

VALUE, FORMULA, ERROR = "v", "f", "e"
CHUNK = 1 << 16


def column_index(ref: str) -> int:
    """ "C12" -> 3."""
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            index = index * 26 + ord(char) - 96
        else:
            break
    return index


def row_index(ref: str) -> int:
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return int(digits) if digits.isdigit() else 0


class _RowCollector:
    """expat callbacks; completed rows wait in `ready` until the reader takes them."""

    def __init__(self, workbook: Workbook):
        self.strings = workbook.strings
        self.date_styles = workbook.date_styles
        self.epoch = workbook.epoch
        self.ready: list[tuple[int, dict]] = []
        self.names: dict[str, str] = {}
        self.row_number = 0
        self.cells: dict | None = None
        self.column = 0
        self.kind, self.style = "n", None
        self.text: list[str] | None = None  # characters of <v> or of an inline string's <t>
        self.formula: list[str] | None = None
        self.collect = False
        self.in_phonetic = False

    def local(self, name: str) -> str:
        local = self.names.get(name)
        if local is None:
            local = self.names[name] = name.rpartition(":")[2]
        return local

    def start(self, name, attrs):
        tag = self.local(name)
        if tag == "c":
            ref = attrs.get("r")
            if ref and len(ref) > 10:  # beyond XFD1048576, and its number could be any size
                raise outside_the_sheet(ref)
            self.column = column_index(ref) if ref else self.column + 1
            # A row number past the sheet needs eight characters: only then is it read.
            if self.column > MAX_COLUMN or (ref and len(ref) >= 8 and row_index(ref) > MAX_ROW):
                raise outside_the_sheet(ref or f"#{self.column}")
            self.kind, self.style = attrs.get("t", "n"), attrs.get("s")
            self.formula, self.text, self.collect = None, None, False
        elif tag == "v" or (tag == "t" and not self.in_phonetic and self.cells is not None):
            if self.text is None:
                self.text = []
            self.collect = True
        elif tag == "f":
            self.formula, self.collect = [], False
        elif tag == "rPh":
            self.in_phonetic = True
        elif tag == "row":
            ref = attrs.get("r")
            if ref and ref.isdigit() and len(ref) > 7:
                raise outside_the_sheet(ref)
            self.row_number = int(ref) if ref and ref.isdigit() else self.row_number + 1
            if self.row_number > MAX_ROW:
                raise outside_the_sheet(ref or str(self.row_number))
            self.cells, self.column = {}, 0

    def end(self, name):
        tag = self.local(name)
        if tag in ("v", "t"):
            self.collect = False
        elif tag == "f":
            self.formula = self.formula or [""]
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "c":
            cell = self.cell()
            if cell is not None and self.cells is not None:
                self.cells[self.column] = cell
        elif tag == "row":
            if self.cells:
                self.ready.append((self.row_number, self.cells))
            self.cells = None

    def chars(self, data):
        if self.collect:
            self.text.append(data)
        elif self.formula is not None and self.text is None:
            self.formula.append(data)

    def cell(self):
        if self.formula is not None:
            return (FORMULA, "=" + "".join(self.formula))
        if self.text is None:
            return None
        text, kind = "".join(self.text), self.kind
        if kind == "s":
            try:
                return (VALUE, self.strings[int(text)])
            except (ValueError, IndexError):
                return (ERROR, text)
        if kind in ("inlineStr", "str"):
            return (VALUE, text)
        if kind == "e":
            return (ERROR, text)
        if kind == "b":
            return (VALUE, text.strip() in ("1", "true"))
        if kind == "d":
            try:
                return (VALUE, from_ISO8601(text))
            except ValueError:
                return (ERROR, text)
        return (VALUE, self.number(text))

    def number(self, text: str):
        try:
            number = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return text
        if self.style is not None and self.style.isdigit() and int(self.style) in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError):
                return number
        return number


def _refuse_dtd(*args):
    raise FileRefused(_("This workbook holds XML declarations that are not allowed in a ledger."))


def iter_rows(workbook: Workbook) -> Iterator[tuple[int, dict[int, tuple[str, object]]]]:
    """(row number, {column index: (kind, value)}) for each row holding anything, in order."""
    collector = _RowCollector(workbook)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.chars
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        with workbook.archive.open(workbook.sheet_path) as src:
            while chunk := src.read(CHUNK):
                parser.Parse(chunk, False)
                if collector.ready:
                    yield from collector.ready
                    collector.ready = []
            parser.Parse(b"", True)
            yield from collector.ready
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError):
        raise FileRefused(
            _("This workbook is damaged and cannot be read. Open it in Excel and save it again.")
        ) from None


def as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value
