"""Export of a filtered, scoped list of records in the ledger's own columns (XLSX or CSV).

A constant number of queries whatever the row count, and constant memory: the records are
streamed as tuples of the columns' fields (branch codes, staff and partner names joined in the
same query, choice labels computed by it, no model instance per row), with the staff ids of a
many-to-many column from a correlated subquery over the link table's index (StaffLists); only
the names the labels are told apart by (the user's staff, the partnerships the user may name)
and the staff's names and codes are loaded once. Each row comes out as the values its cells
show (ExportRows): when every column is a field or a label the query computes, the query's own
tuple, with no Python per row. The CSV (csv_chunks) and the XLSX writer (ledgers/workbooks.py)
write them as they are."""

import csv
import io
from collections import defaultdict
from itertools import islice
from operator import itemgetter

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Case, CharField, F, Func, OuterRef, Subquery, TextField, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import Staff
from ledgers.columns import (
    BranchColumn,
    ChoiceColumn,
    DecimalColumn,
    RecordColumn,
    StaffColumn,
    StaffListColumn,
    TextColumn,
)
from ledgers.specs import LedgerSpec
from ledgers.workbooks import FORMULA_START
from records.references import reachable_records

CHUNK_ROWS = 5000  # rows fetched from the database at a time
CSV_FLUSH_ROWS = 1000  # rows per piece of a streamed CSV
CELLS_HELD = 10_000  # staff cells remembered by team and branch (memory held whatever the rows)


def _reaches(a: str, b: str) -> bool:
    """Branch paths: one at, above or below the other (the record services' rule)."""
    return a.startswith(b) or b.startswith(a)


class Namesakes:
    """A name as the import reads it back: with the branch code in brackets when another of
    the names the user may write (their staff, the partnerships they reach) is reachable from
    the record's branch (Lookups.staff_label and record_label, from name and path only)."""

    def __init__(self, pairs):
        self.paths: dict[str, list[str]] = defaultdict(list)
        for name, path in pairs:
            self.paths[(name or "").strip()].append(path)
        self._shared: dict[tuple[str, str], bool] = {}
        self.repeated = {name for name, paths in self.paths.items() if len(paths) > 1}  # all others are unique

    def shared(self, name: str, branch_path: str) -> bool:
        if name not in self.repeated:
            return False
        key = (name, branch_path)
        known = self._shared.get(key)
        if known is None:
            known = sum(1 for p in self.paths.get(name, ()) if _reaches(p, branch_path)) > 1
            self._shared[key] = known
        return known


class StaffLists:
    """The staff of a many-to-many column: each row's query gives the record's staff ids, by a
    correlated subquery over the link table's (record, staff) index, read without touching
    the staff or branch tables; the names and branch codes of the ids a chunk of rows names and
    no earlier chunk did come from one query before the chunk is written (memory in proportion
    to the staff named, never the network's whole staff: a small export costs what it shows).
    A cell lists the staff ordered by name (code point order), then id, each with the branch
    code in brackets when a namesake is reachable (Namesakes)."""

    def __init__(self, spec: LedgerSpec, column, namesakes: Namesakes):
        field = spec.model._meta.get_field(column.name)
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        ids = field.remote_field.through.objects.filter(**{f"{own}_id": OuterRef("pk")}).order_by()
        self.listed = connection.vendor == "postgresql"  # an array of ids, else "id,id" (SQLite)
        if self.listed:
            self.expression = ArraySubquery(ids.values(f"{other}_id"))
        else:
            text = Func(f"{other}_id", function="group_concat", output_field=TextField())
            self.expression = Subquery(ids.values(members=text), output_field=TextField())
        self.model = field.related_model
        self.members: dict[int, tuple | None] = {}  # id: (name, id, branch code); None: no longer there
        self.namesakes = namesakes
        self.cells: dict[tuple, str | None] = {}

    def _ids(self, value) -> list[int]:
        if not value:
            return []
        return value if self.listed else [int(pk) for pk in value.split(",")]

    def load(self, values) -> None:
        """Read the staff the chunk's id lists name that are not known yet: one query, or none."""
        known = self.members
        missing = {pk for value in values for pk in self._ids(value) if pk not in known}
        if not missing:
            return
        for pk, name, code in self.model.objects.filter(pk__in=sorted(missing)).values_list(
            "pk", "name", "branch__code"
        ):
            known[pk] = (name, pk, code)
        for pk in missing - known.keys():
            known[pk] = None  # unlinked and deleted since the rows were read

    def label(self, ids, branch_path: str) -> str | None:
        """The cell of one record, from its staff ids as the subquery gave them (the same team
        at the same branch is labelled once, among the last CELLS_HELD teams)."""
        if not ids:
            return None
        key = (ids if ids.__class__ is str else tuple(ids), branch_path)
        cell = self.cells.get(key, self)
        if cell is not self:
            return cell
        ids = self._ids(ids)
        get = self.members.get
        members = sorted(m for m in map(get, ids) if m is not None)  # by name, then id
        shared = self.namesakes.shared
        cell = "、".join(
            f"{name}({code})" if shared(name.strip(), branch_path) else name for name, _pk, code in members
        )
        if len(self.cells) >= CELLS_HELD:
            self.cells.clear()
        self.cells[key] = cell or None
        return cell or None


class ExportRows:
    """The records of `queryset` as sequences of cell values in the ledger's columns: branch codes,
    dates, numbers, choice labels (in Chinese), staff and partner names as the import reads
    them. Iterate it once."""

    def __init__(self, user, spec: LedgerSpec, queryset):
        self.spec = spec
        self.queryset = queryset
        self.fields: list[str] = []
        self.annotations = {}  # field: expression, for the columns the rows' query computes
        self.staff_lists: list[tuple[StaffLists, int]] = []  # and the slot of their id lists
        self.getters = []
        staff_names = record_names = None
        with translation.override("zh-hans"):
            for column in spec.columns:
                if isinstance(column, (StaffColumn, StaffListColumn)) and staff_names is None:
                    staff_names = Namesakes(Staff.objects.for_user(user).values_list("name", "branch__path"))
                if isinstance(column, RecordColumn) and record_names is None:
                    model = column.field.related_model
                    record_names = Namesakes(
                        reachable_records(model, user).values_list(model.ledger_name, "branch__path")
                    )
                self.getters.append(self._getter(column, staff_names, record_names))

    def _slot(self, field: str) -> int:
        if field not in self.fields:
            self.fields.append(field)
        return self.fields.index(field)

    def _getter(self, column, staff_names, record_names):
        name = column.name
        if isinstance(column, BranchColumn):
            return self._slot("branch__code")
        if isinstance(column, StaffListColumn):
            lists = StaffLists(self.spec, column, staff_names)
            field = f"export_{column.name}"
            self.annotations[field] = lists.expression
            members, path = self._slot(field), self._slot("branch__path")
            self.staff_lists.append((lists, members))
            return lambda row: lists.label(row[members], row[path])
        if isinstance(column, (StaffColumn, RecordColumn)):
            label = f"{name}__{column.name_field}" if isinstance(column, RecordColumn) else f"{name}__name"
            value, code, path = self._slot(label), self._slot(f"{name}__branch__code"), self._slot("branch__path")
            names = record_names if isinstance(column, RecordColumn) else staff_names
            strip = isinstance(column, RecordColumn)  # a record's name is shown stripped, a staff name as it is

            def named(row):
                text = row[value]
                if text is None:
                    return None
                key = text.strip()
                text = key if strip else text
                return f"{text}({row[code]})" if names.shared(key, row[path]) else text

            return named
        if isinstance(column, ChoiceColumn) and isinstance(column.field, CharField):
            field = f"export_{column.name}"
            self.annotations[field] = choice_label(column)
            return self._slot(field)
        index = self._slot(column.field.attname)
        if isinstance(column, ChoiceColumn):
            labels = {code: str(label) for code, label in column.field.choices} | {None: None, "": None}
            return lambda row: labels.get(row[index], row[index])
        return index

    def __iter__(self):
        """Each record as the tuple the query gives when every column is a field or a label the
        query computes, in the columns' order (no Python per row); else as a list."""
        queryset = self.queryset.annotate(**self.annotations) if self.annotations else self.queryset
        rows = queryset.values_list(*self.fields).iterator(chunk_size=CHUNK_ROWS)
        getters = self.getters
        if all(get.__class__ is int for get in getters):
            if getters == list(range(len(self.fields))):
                yield from rows
                return
            if len(getters) > 1:
                yield from map(itemgetter(*getters), rows)
                return
        getters = [itemgetter(get) if get.__class__ is int else get for get in getters]
        while chunk := list(islice(rows, CHUNK_ROWS)):
            for lists, slot in self.staff_lists:
                lists.load(row[slot] for row in chunk)
            for row in chunk:
                yield [get(row) for get in getters]


def choice_label(column: ChoiceColumn):
    """The label (in the active language) of a text choice field's code, computed by the
    query: the code itself when it is not one of the choices (an old row), None when empty."""
    name = column.field.attname
    whens = [When(**{name: code}, then=Value(str(label))) for code, label in column.field.choices]
    return Case(*whens, When(**{name: ""}, then=Value(None)), default=F(name), output_field=CharField())


def record_rows(user, spec: LedgerSpec, queryset) -> ExportRows:
    return ExportRows(user, spec, queryset)


def csv_chunks(spec: LedgerSpec, rows, flush_every: int = CSV_FLUSH_ROWS):
    """The CSV in pieces of `flush_every` rows: UTF-8 with a byte-order mark so that Excel
    reads the Chinese; text a spreadsheet would run as a formula is kept text with a leading '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with translation.override("zh-hans"):
        buffer.write("\ufeff")
        writer.writerow(spec.headers())
    texts = [i for i, c in enumerate(spec.columns) if isinstance(c, TextColumn)]
    decimals = [(i, f".{c.places}f") for i, c in enumerate(spec.columns) if isinstance(c, DecimalColumn)]
    batch = []
    for values in rows:  # a tuple (ExportRows) is copied only to be changed
        for i in texts:
            text = values[i]
            if text and text.startswith(FORMULA_START):
                values = list(values)
                values[i] = "'" + text
        if decimals:
            values = list(values)
            for i, shape in decimals:
                if values[i] is not None:
                    values[i] = format(values[i], shape)
        batch.append(values)
        if len(batch) == flush_every:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue()


def row_limit_passed(queryset, limit: int) -> bool:
    """More than `limit` records, counted no further than limit + 1 (one query)."""
    return queryset.order_by().values("pk")[: limit + 1].count() > limit


def export_queryset(spec: LedgerSpec, request, params=None):
    """The kind's FilterSet over the user's records: (queryset, title, node, None) or
    (None, "", None, errors); the title says what the export holds (kind, node, dates, export
    time), the node is the branch filtered on, else the top of the user's scope."""
    from branches.access import access_for
    from branches.models import Branch

    queryset = spec.model.objects.for_user(request.user)
    filterset = spec.kind.filterset(params if params is not None else request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return None, "", None, filterset.errors
    filters = filterset.form.cleaned_data
    title = export_title(spec, request.user, filters)
    roots = access_for(request.user).roots
    node = filters.get("branch") or (roots[0] if roots else Branch.objects.order_by("path").first())
    return filterset.qs.order_by("occurred_on", "pk"), title, node, None


def export_title(spec: LedgerSpec, user, filters: dict) -> str:
    """E.g. 上门服务 · 硚口支行 (WH-QK) · 2025-06-01 至 2025-12-31 · 导出于 2026-01-05 09:30 (in Chinese)."""
    from branches.access import access_for

    with translation.override("zh-hans"):
        branch = filters.get("branch")
        nodes = [branch] if branch else access_for(user).roots
        node = "、".join(f"{b.name} ({b.code})" for b in nodes[:3]) + ("等" if len(nodes) > 3 else "")
        first, last = filters.get("date_from"), filters.get("date_to")
        if first and last:
            dates = _("%(first)s to %(last)s") % {"first": first.isoformat(), "last": last.isoformat()}
        elif first:
            dates = _("from %(first)s") % {"first": first.isoformat()}
        elif last:
            dates = _("until %(last)s") % {"last": last.isoformat()}
        else:
            dates = _("all dates")
        return _("%(kind)s · %(node)s · %(dates)s · exported %(time)s") % {
            "kind": spec.kind.label_plural,
            "node": node or _("all branches"),
            "dates": dates,
            "time": f"{timezone.localtime():%Y-%m-%d %H:%M}",
        }
