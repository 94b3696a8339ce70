"""Export of a filtered, scoped list of records in the ledger's own columns (XLSX or CSV).

A constant number of queries whatever the row count, and constant memory: the records are
streamed as tuples of the columns' fields (branch codes, staff and partner names joined in the
same query, no model instance per row), the staff lists of a many-to-many column are streamed
by a second query in the same order and merged in; only the names the labels are told apart
by (the user's staff, the partnerships the user may name) are loaded once. Each row comes out
as the values its cells show (ExportRows), which the CSV (csv_chunks) and the XLSX writer
(ledgers/workbooks.py) write as they are.
"""

import csv
import io
from collections import defaultdict
from operator import itemgetter

from django.db.models import CharField
from django.db.models.functions import Cast
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

    def shared(self, name: str, branch_path: str) -> bool:
        key = (name, branch_path)
        known = self._shared.get(key)
        if known is None:
            known = sum(1 for p in self.paths.get(name, ()) if _reaches(p, branch_path)) > 1
            self._shared[key] = known
        return known


# The merge of the staff links into the rows compares (day, id) in Python as the database
# ordered them. The day as text does that on both databases (PostgreSQL's ISO dates sort as
# their text; SQLite keeps dates as text), and also for a stored date that cannot be read
# (records/stored_dates.py), whose converted value would be None.
DAY_TEXT_FIELD = "export_day_text"


def DAY_TEXT(field: str):  # noqa: N802 (an expression factory named like the value it gives)
    return Cast(field, output_field=CharField())


class _Links:
    """The staff of a many-to-many column, streamed in the records' order and merged in."""

    def __init__(self, spec: LedgerSpec, column, queryset, namesakes: Namesakes):
        field = spec.model._meta.get_field(column.name)
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        self.pairs = (
            field.remote_field.through.objects.filter(**{f"{own}__in": queryset.values("pk")})
            .order_by(f"{own}__occurred_on", f"{own}_id")
            .values_list(
                DAY_TEXT(f"{own}__occurred_on"), f"{own}_id", f"{other}__name", f"{other}__branch__code", f"{other}_id"
            )
            .iterator(chunk_size=CHUNK_ROWS)
        )
        self.namesakes = namesakes
        self.waiting = None

    def label(self, day, record_id: int, branch_path: str) -> str | None:
        """The staff of the record (of `day`, the order's first key); a link to a record the
        rows' query did not see (written between the two queries) is passed over."""
        members = []
        at = (day, record_id)
        pair = self.waiting or next(self.pairs, None)
        while pair is not None and pair[:2] <= at:
            if pair[1] == record_id:
                members.append(pair)
            pair = next(self.pairs, None)
        self.waiting = pair
        if not members:
            return None
        members.sort(key=lambda m: (m[2], m[4]))
        shared = self.namesakes.shared
        return "、".join(
            f"{name}({code})" if shared(name.strip(), branch_path) else name for _d, _r, name, code, _s in members
        )


class ExportRows:
    """The records of `queryset` as lists of cell values in the ledger's columns: branch codes,
    dates, numbers, choice labels (in Chinese), staff and partner names as the import reads
    them. Iterate it once."""

    def __init__(self, user, spec: LedgerSpec, queryset):
        self.spec = spec
        self.queryset = queryset
        self.fields: list[str] = []
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
                self.getters.append(self._getter(column, queryset, staff_names, record_names))

    def _slot(self, field: str) -> int:
        if field not in self.fields:
            self.fields.append(field)
        return self.fields.index(field)

    def _getter(self, column, queryset, staff_names, record_names):
        name = column.name
        if isinstance(column, BranchColumn):
            return itemgetter(self._slot("branch__code"))
        if isinstance(column, StaffListColumn):
            links = _Links(self.spec, column, queryset, staff_names)
            day, pk, path = self._slot(DAY_TEXT_FIELD), self._slot("pk"), self._slot("branch__path")
            return lambda row: links.label(row[day], row[pk], row[path])
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
        index = self._slot(column.field.attname)
        if isinstance(column, ChoiceColumn):
            labels = {code: str(label) for code, label in column.field.choices} | {None: None, "": None}
            return lambda row: labels.get(row[index], row[index])
        return itemgetter(index)

    def __iter__(self):
        getters = self.getters
        queryset = self.queryset
        if DAY_TEXT_FIELD in self.fields:
            queryset = queryset.annotate(**{DAY_TEXT_FIELD: DAY_TEXT("occurred_on")})
        for row in queryset.values_list(*self.fields).iterator(chunk_size=CHUNK_ROWS):
            yield [get(row) for get in getters]


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
    for values in rows:
        for i in texts:
            text = values[i]
            if text and text.startswith(FORMULA_START):
                values[i] = "'" + text
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
