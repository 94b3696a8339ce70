"""Checks on an uploaded ledger file before a single row is read.

A file that is not what it claims gets a clear message, never a 500: not an XLSX (a picture,
a CSV renamed), an old .xls or a password-protected workbook (both OLE files), a zip bomb
(declared sizes and compression ratio checked before anything is inflated), too many rows
(the sheet's <row> tags are counted from the raw XML, stopping at the limit), merged cells.
Every XML part read is parsed by defusedxml with document type declarations forbidden, so no
entity is ever expanded, wherever in the part the declaration hides (the sheet itself is
streamed by ledgers/sheet.py, whose parser refuses them the same way).
"""

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from defusedxml.ElementTree import iterparse as defused_iterparse
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.cell.text import Text
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
from openpyxl.xml.constants import SHEET_MAIN_NS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref=\"([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)\"")
DIMENSION_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref=\"([A-Za-z]*\d+)(?::([A-Za-z]*\d+))?\"")


# Excel's own sheet: columns A to XFD, rows 1 to 1,048,576. A reference beyond it was not written
# by Excel or WPS, and its number could be any size.
MAX_COLUMN = 16_384
MAX_ROW = 1_048_576
CELL_REF = re.compile(r"^([A-Za-z]*)(\d*)$")


def reference_bounds(ref: str) -> tuple[int, int]:
    """(column, row) of a cell reference such as "C12" ("C" or "12" alone: 0 for the other);
    FileRefused when either lies beyond Excel's sheet or the reference is not one."""
    match = CELL_REF.match(ref or "")
    letters, digits = (match.group(1), match.group(2)) if match else ("", "")
    if match is None or len(letters) > 3 or len(digits) > 7:
        raise outside_the_sheet(ref)
    column = 0
    for char in letters.upper():
        column = column * 26 + ord(char) - 64
    row = int(digits) if digits else 0
    if column > MAX_COLUMN or row > MAX_ROW:
        raise outside_the_sheet(ref)
    return column, row


def outside_the_sheet(ref: str) -> "FileRefused":
    shown = ref if len(ref or "") <= 20 else ref[:17] + "…"
    return FileRefused(
        _(
            "The sheet refers to cell %(ref)s, outside any Excel sheet (columns A to XFD, rows 1 to 1,048,576): "
            "the file was not saved by Excel or WPS. Open it in Excel, save it as .xlsx and upload it again."
        )
        % {"ref": shown}
    )


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return limit("LEDGER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    return limit("LEDGER_MAX_ROWS", 100_000)


MAX_UNCOMPRESSED = 300 * 1024 * 1024  # all parts inflated together
MAX_PART = 200 * 1024 * 1024  # one part inflated
MAX_RATIO = 100  # real sheets compress 5-30 times; bombs a thousand times
MAX_ENTRIES = 2000


class FileRefused(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@dataclass
class Workbook:
    """The parts of an XLSX that the row reader needs."""

    archive: zipfile.ZipFile
    sheet_path: str
    sheet_name: str
    strings: list = field(default_factory=list)
    date_styles: set = field(default_factory=set)
    epoch: object = CALENDAR_WINDOWS_1900
    data_rows: int = 0
    merged: list = field(default_factory=list)

    def close(self) -> None:
        self.archive.close()


def sniff(path) -> None:
    """Refuse what is plainly not an XLSX, by its first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head.startswith(OLE_MAGIC):
            if _has_encryption_streams(fh):
                raise FileRefused(
                    _(
                        "This workbook is password-protected. Open it in Excel, remove the password "
                        "(File → Info → Protect Workbook) and upload it again."
                    )
                )
            raise FileRefused(
                _(
                    "This is an old Excel 97-2003 file (.xls). Open it in Excel and save it as “Excel Workbook (*.xlsx)”."
                )
            )
    if not head.startswith(ZIP_MAGIC):
        if head[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"GIF8", b"%PDF"):
            raise FileRefused(_("This file is a picture or a PDF, not an Excel workbook (.xlsx)."))
        if head and b"\x00" not in head:
            raise FileRefused(
                _("This looks like a text or CSV file, not an Excel workbook. Open it in Excel and save it as .xlsx.")
            )
        raise FileRefused(_("This file is not an Excel workbook (.xlsx)."))


def _has_encryption_streams(fh) -> bool:
    fh.seek(0)
    tail = b""
    while chunk := fh.read(1 << 20):
        window = tail + chunk
        if any(marker in window for marker in ENCRYPTED_MARKERS):
            return True
        tail = window[-64:]
    return False


def open_archive(path) -> zipfile.ZipFile:
    """The zip, after its declared sizes show it is not a bomb."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRefused(_("This file is damaged or not an Excel workbook (.xlsx).")) from None
    try:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise FileRefused(_("This file holds too many parts to be an Excel ledger."))
        total = 0
        for info in entries:
            if info.flag_bits & 0x1:
                raise FileRefused(_("This workbook is encrypted. Remove the password in Excel and upload it again."))
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                raise FileRefused(
                    _("This file inflates to far more than it holds (a “zip bomb”); it is refused for safety.")
                )
        if total > MAX_UNCOMPRESSED:
            raise FileRefused(
                _("This file inflates to far more than it holds (a “zip bomb”); it is refused for safety.")
            )
    except FileRefused:
        archive.close()
        raise
    return archive


def _declarations_refused() -> FileRefused:
    """OOXML parts never declare a DTD; one that does may hide entity expansion."""
    return FileRefused(_("This workbook holds XML declarations that are not allowed in a ledger."))


def _read_xml(archive: zipfile.ZipFile, name: str):
    try:
        data = archive.read(name)
    except KeyError:
        return None
    try:
        return defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _declarations_refused() from None


def _read_strings(archive: zipfile.ZipFile, name: str) -> list[str]:
    """The shared strings, as openpyxl's reader reads them, streamed through defusedxml."""
    strings = []
    tag = f"{{{SHEET_MAIN_NS}}}si"
    with archive.open(name) as src:
        try:
            for _event, node in defused_iterparse(src, forbid_dtd=True):
                if node.tag == tag:
                    strings.append(Text.from_tree(node).content.replace("x005F_", ""))
                    node.clear()
        except DefusedXmlException:
            raise _declarations_refused() from None
    return strings


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in (PurePosixPath(base).parent / target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _relationships(archive, part: str) -> dict[str, tuple[str, str]]:
    rels_name = str(PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels")).lstrip("./")
    root = _read_xml(archive, rels_name)
    if root is None:
        return {}
    return {
        rel.get("Id"): (rel.get("Type", ""), _resolve(part, rel.get("Target", "")))
        for rel in root.iter(f"{REL_NS}Relationship")
    }


def read_workbook(archive: zipfile.ZipFile) -> Workbook:
    """Locate the first sheet and read the shared strings and date styles."""
    try:
        root_rels = _relationships(archive, "")
        part = next((t for ty, t in root_rels.values() if ty.endswith("/officeDocument")), "xl/workbook.xml")
        book = _read_xml(archive, part)
        if book is None:
            raise FileRefused(_("This file is not an Excel workbook (.xlsx)."))
        rels = _relationships(archive, part)
        sheets = [el for el in book.iter() if _local(el.tag) == "sheet"]
        if not sheets or sheets[0].get(DOC_REL) not in rels:
            raise FileRefused(_("This workbook has no worksheet."))
        pr = next((el for el in book.iter() if _local(el.tag) == "workbookPr"), None)
        date1904 = pr is not None and pr.get("date1904", "").lower() in ("1", "true")
        workbook = Workbook(
            archive=archive,
            sheet_path=rels[sheets[0].get(DOC_REL)][1],
            sheet_name=sheets[0].get("name", ""),
            epoch=CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
        )
        for rel_type, target in rels.values():
            if rel_type.endswith("/sharedStrings"):
                workbook.strings = _read_strings(archive, target)
            elif rel_type.endswith("/styles"):
                styles = _read_xml(archive, target)
                if styles is not None:
                    workbook.date_styles = Stylesheet.from_tree(styles).date_formats
        return workbook
    except FileRefused:
        raise
    except Exception:  # a damaged part of any kind: the user needs the same answer
        raise FileRefused(
            _("This workbook is damaged and cannot be read. Open it in Excel and save it again.")
        ) from None


def prescan(workbook: Workbook, limit_rows: int) -> None:
    """Count the sheet's rows and find merged cells from the raw XML, in bounded memory,
    stopping as soon as the rows pass the limit."""
    rows, tail, merged = 0, b"", []
    try:
        with workbook.archive.open(workbook.sheet_path) as src:
            first = True
            while chunk := src.read(1 << 20):
                window = tail + chunk
                if first:
                    first = False
                    dimension = DIMENSION_TAG.search(window[:4096])
                    if dimension:
                        last = dimension.group(2) or dimension.group(1)
                        for ref in {dimension.group(1), last}:
                            reference_bounds(ref.decode())
                        if reference_bounds(last.decode())[1] - 1 > limit_rows:
                            _too_many(limit_rows)
                # Tags cut by the chunk's end are counted in the next window.
                cut = max(window.rfind(b"<"), 0)
                body, tail = window[:cut], window[cut:]
                rows += len(ROW_TAG.findall(body))
                merged += [m.decode() for m in MERGE_TAG.findall(body)]
                if rows - 1 > limit_rows:
                    _too_many(limit_rows)
            rows += len(ROW_TAG.findall(tail))
            merged += [m.decode() for m in MERGE_TAG.findall(tail)]
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError):
        raise FileRefused(
            _("This workbook is damaged and cannot be read. Open it in Excel and save it again.")
        ) from None
    if rows - 1 > limit_rows:
        _too_many(limit_rows)
    for ref in merged:
        for corner in ref.split(":"):
            reference_bounds(corner)
    workbook.data_rows = max(rows - 1, 0)
    workbook.merged = merged


def _too_many(limit_rows: int):
    raise FileRefused(
        _("The sheet has more than %(n)s rows. Split the ledger into several files and import them one by one.")
        % {"n": f"{limit_rows:,}"}
    )


def open_ledger(path, limit_rows: int | None = None) -> Workbook:
    """Every check that needs no row parsing; the caller closes the returned workbook."""
    size = os.path.getsize(path)
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if size > max_upload_bytes():
        raise FileRefused(
            _("The file is larger than %(mb)s MB. Split the ledger into several files.")
            % {"mb": max_upload_bytes() // (1024 * 1024)}
        )
    sniff(path)
    archive = open_archive(path)
    try:
        workbook = read_workbook(archive)
        prescan(workbook, max_rows() if limit_rows is None else limit_rows)
    except BaseException:
        archive.close()
        raise
    return workbook
