"""Import of one ledger file: a dry run that lists every problem by row and column, or a commit
that writes all rows or none through records.services (scope, lock, privacy, audit, roll-up).

Rows stream from the file in chunks of CHUNK_ROWS; each chunk is parsed and checked for
duplicates (within the file, and against the database in one query). A dry run then has the
record service check the chunk. A commit spools the parsed chunks to disk and, once the whole
file has been read, writes them in one transaction through the record service, which checks
every row again as it writes: the transaction is rolled back whole when any row is refused, so
nothing is written unless everything is, and the write lock is held only while writing.
"""

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from audit.models import AuditEntry
from ledgers.cells import scaled
from ledgers.columns import OMIT, CellError, DecimalColumn, RecordColumn, StaffColumn, StaffListColumn, shown
from ledgers.files import FileRefused
from ledgers.headers import HeaderTable, locate, row_ranges, skipped_row
from ledgers.lookups import Lookups
from ledgers.sheet import ERROR, FORMULA, VALUE
from ledgers.sources import open_source
from ledgers.specs import LedgerSpec, example_marker
from ledgers.spool import Spool
from records.services import BulkValidationError, record_bulk_check, record_bulk_create

CHUNK_ROWS = 2000
PROBLEM_CAP = 2000


@dataclass
class Problem:
    row: int
    column: int | None  # 1-based column index in the file, None for the row as a whole
    header: str
    message: str
    duplicate: bool = False
    link: str = ""  # the existing record a likely duplicate resembles

    def as_dict(self) -> dict:
        answer = {
            "row": self.row,
            "column": get_column_letter(self.column) if self.column else "",
            "header": self.header,
            "message": self.message,
            "duplicate": self.duplicate,
        }
        if self.link:
            answer["link"] = self.link
        return answer


@dataclass
class Outcome:
    rows: int = 0
    good_rows: int = 0
    created: int = 0
    problem_count: int = 0
    duplicate_count: int = 0
    problems: list = field(default_factory=list)
    file_error: str = ""
    seconds: float = 0.0
    committed: bool = False
    notes: list = field(default_factory=list)  # what the import read, skipped or converted

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        self.duplicate_count += problem.duplicate
        if len(self.problems) < PROBLEM_CAP:
            self.problems.append(problem.as_dict())


class _Rollback(Exception):
    pass


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _first_row(ref: str) -> int:
    digits = ref.split(":")[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return int(digits) if digits.isdigit() else 0


def _last_row(ref: str) -> int:
    digits = ref.split(":")[-1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return int(digits) if digits.isdigit() else 0


class LedgerImport:
    def __init__(
        self,
        spec: LedgerSpec,
        user,
        *,
        allow_duplicates=False,
        progress: Callable | None = None,
        source: str = "",
        guard=None,
    ):
        self.spec, self.user = spec, user
        # Called inside the commit's transaction: guard.enter() before the first row is written
        # (it may raise to write nothing), guard.leave(outcome) after the last one.
        self.guard = guard
        self.source = source  # the file, named in the audit entries of what it writes
        self.allow_duplicates = allow_duplicates and not spec.strict_duplicates
        self.progress = progress or (lambda done, total, writing: None)
        self.spool: Spool | None = None
        self.lookups = Lookups(user)
        self.outcome = Outcome()
        self.seen: dict[tuple, int] = {}  # duplicate key -> first row holding it
        self.bad_rows: set[int] = set()  # rows with a problem other than a likely duplicate
        # A dry run checks the readable cells of a row with unreadable ones too (the record
        # service's rules, privacy, locks, duplicates), so one upload lists all of its problems.
        self.partial: list = []
        self.failed: dict[int, set[str]] = {}  # row -> columns whose cells could not be read
        self.duplicate_rows: set[int] = set()
        self.blocked = False  # a problem that stops the commit: nothing more is written
        self.markers = set()
        for language in ("zh-hans", "en"):
            with translation.override(language):
                self.markers.add(example_marker())

    # --- the file ----------------------------------------------------------------------

    def run(self, path, *, commit: bool) -> Outcome:
        started = time.monotonic()
        try:
            workbook = open_source(path)
        except FileRefused as exc:
            self.outcome.file_error = str(exc)
            return self.outcome
        try:
            with Spool(self.lookups) as spool:
                self.spool = spool if commit else None
                self._check_rows(workbook)
                workbook.close()
                if commit:
                    self._write()
            unusable = self.bad_rows if self.allow_duplicates else self.bad_rows | self.duplicate_rows
            self.outcome.good_rows = self.outcome.rows - len(unusable)
        except FileRefused as exc:
            self.outcome = Outcome(file_error=str(exc))
        except IntegrityError:
            self.outcome = Outcome(
                file_error=_(
                    "Someone saved a conflicting record while this file was imported; nothing was written. "
                    "Check the file again."
                )
            )
        finally:
            workbook.close()
        self.outcome.problems.sort(key=lambda p: (p["row"], len(p["column"]), p["column"]))
        self.outcome.seconds = time.monotonic() - started
        return self.outcome

    def _check_rows(self, source) -> None:
        """Every row parsed and checked; in a commit the good ones are spooled for _write."""
        table = HeaderTable.for_spec(self.spec)
        sheet, found, others = locate(source.sheets, table)
        if found is None:
            raise FileRefused(self._no_header())
        sheet.prepare()
        header_row = found.number
        merged = [ref for ref in sheet.merged if _last_row(ref) >= header_row]
        if merged:
            self._refuse_merged(merged, header_row)
        if len([s for s in source.sheets if not s.hidden]) > 1:
            self.outcome.notes.append(_("Read the sheet “%(sheet)s”.") % {"sheet": shown(sheet.name)})
        if others:
            self.outcome.notes.append(
                _(
                    "The sheets %(sheets)s have this ledger's columns too and were not read: import each as a file of its own."
                )
                % {"sheets": "、".join(f"“{shown(name)}”" for name in others)}
            )
        if found.titles:
            self.outcome.notes.append(
                _("Rows %(rows)s are a title above the header; skipped.") % {"rows": row_ranges(found.titles)}
            )
        self.index = self._read_headers(found.cells, table, found.unit)
        total = max(sheet.total - header_row + 1, 0)
        skipped: dict[str, list[int]] = {"total": [], "signature": []}
        chunk: list = []
        for number, cells in sheet.rows():
            if number <= header_row:
                continue
            reason = skipped_row(cells)
            if reason is not None:
                skipped[reason].append(number)
                continue
            parsed = self._parse(number, cells)
            if parsed is not None:
                chunk.append(parsed)
            if len(chunk) >= CHUNK_ROWS:
                self._check_chunk(chunk)
                chunk = []
                self.progress(self.outcome.rows, total, False)
        if chunk:
            self._check_chunk(chunk)
        self.progress(self.outcome.rows, total, False)
        if skipped["total"]:
            self.outcome.notes.append(
                _("Rows %(rows)s are totals (合计/小计/总计); skipped.") % {"rows": row_ranges(skipped["total"])}
            )
        if skipped["signature"]:
            self.outcome.notes.append(
                _("Rows %(rows)s are signature lines (制表人, 审核人, ...); skipped.")
                % {"rows": row_ranges(skipped["signature"])}
            )
        if self.outcome.rows == 0:
            raise FileRefused(_("The sheet has headers but no rows to import."))

    def _write(self) -> None:
        """All spooled rows in one transaction, through the record service (which checks scope,
        locks and privacy as it writes); rolled back whole if any row is refused."""
        if self.blocked:
            for chunk in self.spool.chunks():
                self._service(chunk, write=False)
            return
        try:
            with transaction.atomic():
                if self.guard:
                    self.guard.enter()
                for chunk in self.spool.chunks():
                    self._service(chunk, write=not self.blocked)
                    self.progress(self.outcome.created, self.spool.rows, True)
                if self.blocked:
                    raise _Rollback
                self.outcome.committed = True
                if self.guard:
                    self.guard.leave(self.outcome)
        except _Rollback:
            self.outcome.created = 0

    def _no_header(self) -> str:
        with translation.override("zh-hans"):
            names = "、".join(f"“{c.header}”" for c in self.spec.columns[:4])
        return _(
            "No header row found for %(kind)s: one of the first rows must name the ledger's columns, "
            "one per cell, such as %(names)s (see the template)."
        ) % {"kind": self.spec.kind.label_plural, "names": names}

    def _refuse_merged(self, merged: list[str], header_row: int = 1) -> None:
        header = [ref for ref in merged if _first_row(ref) <= header_row]
        if header:
            raise FileRefused(
                _("The header row has merged cells (%(cells)s). Unmerge them: each column needs its own header.")
                % {"cells": ", ".join(header[:5])}
            )
        raise FileRefused(
            _("The sheet has merged cells (%(cells)s). Unmerge them and fill in every cell of every row.")
            % {"cells": ", ".join(merged[:5])}
        )

    def _read_headers(self, cells: dict, table: HeaderTable, unit=None) -> dict[str, int]:
        index: dict[str, int] = {}
        problems, ignored = [], []
        self.ignored: set[int] = set()
        self.scales: dict[str, object] = {}
        for position, (kind, value) in sorted(cells.items()):
            letter = get_column_letter(position)
            if kind == VALUE and _blank(value):
                continue
            if kind != VALUE or not isinstance(value, str):
                problems.append(_("column %(col)s: the header must be text") % {"col": letter})
                continue
            name = table.name_of(value)
            if name is None and table.ignored(value):
                self.ignored.add(position)
                ignored.append(f"{letter}“{shown(value.strip())}”")
                continue
            if name is None:
                problems.append(
                    _("column %(col)s “%(header)s” is not a column of this ledger")
                    % {"col": letter, "header": shown(value)}
                )
            elif name in index:
                problems.append(_("column %(col)s repeats “%(header)s”") % {"col": letter, "header": shown(value)})
            else:
                index[name] = position
                column = next(c for c in self.spec.columns if c.name == name)
                factor = table.unit_of(value)
                if factor is None and "元" not in value and "amount" in name:
                    factor = unit  # the sheet's 单位：万元 line, unless the header names its unit
                if isinstance(column, DecimalColumn) and factor is not None and factor != 1:
                    self.scales[name] = factor
        # A column the record may leave blank (notes, a partnership) may be left out of the file:
        # ledgers kept before the column existed still import, and the dry run says so.
        absent = [c for c in self.spec.columns if c.name not in index]
        with translation.override("zh-hans"):
            missing = [c.header for c in absent if not _optional(c)]
            left_blank = [c.header for c in absent if _optional(c)]
        if missing:
            problems.append(_("missing columns: %(headers)s") % {"headers": "、".join(missing)})
        elif left_blank:
            self.outcome.notes.append(
                _("Columns not in the file, left blank: %(headers)s.") % {"headers": "、".join(left_blank)}
            )
        if problems:
            raise FileRefused(
                _(
                    "The headers do not match the template of %(kind)s: %(problems)s. Download the template and copy the rows into it."
                )
                % {"kind": self.spec.kind.label_plural, "problems": "; ".join(problems)}
            )
        self.headers = {position: name for name, position in index.items()}
        if ignored:
            self.outcome.notes.append(
                _("Column %(columns)s numbers the rows and is not part of the ledger; ignored.")
                % {"columns": "、".join(ignored)}
            )
        if self.scales:
            headers = "、".join(f"“{self._header_of(name)}”" for name in self.scales)
            self.outcome.notes.append(
                _("Amounts in %(columns)s are in 万元 (ten thousand yuan) and were converted to yuan (×10,000).")
                % {"columns": headers}
            )
        return index

    # --- one row -----------------------------------------------------------------------

    def _problem(
        self, row: int, message: str, column_name: str | None = None, *, duplicate=False, link: str = ""
    ) -> None:
        position = self.index.get(column_name) if column_name else None
        self.outcome.add(Problem(row, position, self._header_of(column_name), message, duplicate, link))
        if duplicate:
            self.duplicate_rows.add(row)
            if self.allow_duplicates:
                return
        else:
            self.bad_rows.add(row)
        self.blocked = True

    def _cell_problem(self, row: int, position: int, message: str) -> None:
        self.outcome.add(Problem(row, position, self._header_of(self.headers.get(position)), message))
        self.bad_rows.add(row)
        self.blocked = True

    def _header_of(self, name) -> str:
        if not name:
            return ""
        column = next((c for c in self.spec.columns if c.name == name), None)
        if column is not None:
            return column.header
        try:
            return str(self.spec.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return name

    def _parse(self, number: int, cells: dict):
        """The row's field values and staff, or None when a cell has a problem (reported)."""
        if all(kind == VALUE and _blank(value) for kind, value in cells.values()):
            return None  # an empty row (or spaces only) is no record
        self.outcome.rows += 1
        raw, unreadable = {}, set()
        for position, (kind, value) in cells.items():
            name = self.headers.get(position)
            ref = f"{get_column_letter(position)}{number}"
            if kind == FORMULA:
                message = _(
                    "Cell %(cell)s holds a formula (%(formula)s); paste the value instead (Paste Special → Values)."
                )
                self._cell_problem(number, position, message % {"cell": ref, "formula": shown(value)})
            elif kind == ERROR:
                message = _("Cell %(cell)s holds an error value (%(value)s).")
                self._cell_problem(number, position, message % {"cell": ref, "value": shown(value)})
            elif name is None:
                if not _blank(value) and position not in self.ignored:
                    message = _("Cell %(cell)s is outside the ledger's columns (no header above it).")
                    self._cell_problem(number, position, message % {"cell": ref})
                continue
            else:
                raw[name] = scaled(value, self.scales[name]) if name in self.scales else value
                continue
            unreadable.add(name)
        fields, m2m = {}, {}
        for column in self.spec.columns:
            if column.name in unreadable or (
                isinstance(column, (StaffColumn, RecordColumn)) and "branch" not in fields
            ):
                continue  # the cell's or the branch's own problem is reported already
            try:
                value = column.parse(raw.get(column.name), fields, self.lookups)
            except CellError as exc:
                self._problem(number, str(exc), column.name)
                unreadable.add(column.name)
                continue
            if value is not OMIT:
                (m2m if isinstance(column, StaffListColumn) else fields)[column.name] = value
        if fields.get("notes") in self.markers:
            self._problem(number, _("This is the template's example row: delete it before importing."), "notes")
        if number in self.bad_rows:
            if self.spool is None and "branch" in fields:
                self.failed[number] = unreadable
                self.partial.append((number, fields, m2m))
            return None
        return number, fields, m2m

    # --- a chunk of rows ---------------------------------------------------------------

    def _key(self, fields: dict) -> tuple:
        key = []
        for name in self.spec.duplicate_key:
            value = fields.get(name)
            if hasattr(value, "pk"):
                value = value.pk
            elif isinstance(value, str):
                value = value.strip()
            key.append(value if value != "" else None)
        return tuple(key)

    def _check_duplicates(self, chunk: list) -> None:
        fresh: dict[tuple, list[int]] = {}
        for number, fields, _m2m in chunk:
            key = self._key(fields)
            first = self.seen.get(key)
            if first is not None:
                self._problem(
                    number, _("Likely a duplicate of row %(row)s of this file.") % {"row": first}, duplicate=True
                )
            else:
                self.seen[key] = number
                fresh.setdefault(key, []).append(number)
        if not fresh:
            return
        model = self.spec.model
        attnames = [model._meta.get_field(n).attname for n in self.spec.duplicate_key]
        existing = model.objects.filter(
            branch_id__in={k[0] for k in fresh},
            occurred_on__range=(min(k[1] for k in fresh), max(k[1] for k in fresh)),
        ).values_list(*attnames, "pk")
        codes = {b.pk: b.code for b in self.lookups.branches.values()}
        for *values, pk in existing.iterator(chunk_size=2000):
            key = tuple(v.strip() or None if isinstance(v, str) else v for v in values)
            for number in fresh.get(key, ()):
                message = _(
                    "Likely a duplicate of the record of %(date)s at %(branch)s already in the portal (№%(id)s)."
                )
                self._problem(
                    number,
                    message % {"date": key[1], "branch": codes.get(key[0], ""), "id": pk},
                    duplicate=True,
                    link=self.spec.kind.url("detail", pk),
                )
            fresh.pop(key, None)

    def _check_chunk(self, chunk: list) -> None:
        """A dry run has the service check the rows now; a commit spools them, and the
        service checks them as it writes them (or, once a problem stops the commit, checks
        the rest without writing, so that the answer still lists every problem)."""
        self._check_duplicates(chunk)
        usable = [row for row in chunk if row[0] not in self.bad_rows]
        if self.partial:
            self._check_partial()
        if not usable:
            return
        if self.spool is None:
            self._service(usable, write=False)
        else:
            self.spool.add(usable)

    def _check_partial(self) -> None:
        """The dry run's further checks of rows with unreadable cells: what the service says
        of the cells that were read (its word on the unreadable ones is left out), and likely
        duplicates when every cell of the duplicate key was read."""
        partial, self.partial = self.partial, []
        keyed = set(self.spec.duplicate_key)
        self._check_duplicates([row for row in partial if not (self.failed[row[0]] & keyed)])
        # A model rule that needs an unreadable value may fail outright: that cell's own problem is listed.
        with contextlib.suppress(TypeError, ValueError, AttributeError, KeyError):
            self._service(partial, write=False, skip=self.failed)
        self.failed.clear()

    def _service(self, rows: list, *, write: bool, skip: dict | None = None) -> None:
        """The record service checks (and, when writing, creates) the rows."""
        fields = [f for _n, f, _m in rows]
        try:
            if write:
                m2m_rows = [m for _n, _f, m in rows] if self.spec.m2m else None
                created = record_bulk_create(
                    self.spec.model,
                    user=self.user,
                    rows=fields,
                    m2m_rows=m2m_rows,
                    action=AuditEntry.Action.IMPORT,
                    reason=self.source,
                )
                self.outcome.created += len(created)
            else:
                m2m_rows = [m for _n, _f, m in rows] if self.spec.m2m else None
                record_bulk_check(self.spec.model, user=self.user, rows=fields, m2m_rows=m2m_rows)
        except BulkValidationError as exc:
            for index, errors in sorted(exc.errors.items()):
                number = rows[index][0]
                for name, messages in errors.items():
                    if skip is not None and (name in skip.get(number, ()) or name.removesuffix("_id") in skip[number]):
                        continue
                    column = name if name in self.index else None
                    for message in messages:
                        if column is None and name != "__all__":
                            message = f"{self._header_of(name)}: {message}"
                        self._problem(number, message, column)


def import_ledger(
    spec: LedgerSpec,
    path,
    user,
    *,
    commit: bool,
    allow_duplicates=False,
    progress=None,
    source: str = "",
    guard=None,
) -> Outcome:
    """Check (and with commit, write) the ledger at `path`; `source` names it in the audit;
    `guard` is told inside the commit's transaction (LedgerImport)."""
    importer = LedgerImport(
        spec, user, allow_duplicates=allow_duplicates, progress=progress, source=source, guard=guard
    )
    return importer.run(path, commit=commit)


def _optional(column) -> bool:
    field = column.field
    return field.blank and not field.many_to_many and column.name not in ("branch", "occurred_on")
