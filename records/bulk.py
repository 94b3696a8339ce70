"""The machinery of writing many records of one kind at once (records.services's bulk service).

An import of 100,000 rows spends its time per row, so each step here does for many rows what
Django does for one, with the same result, and no more:

- `RecordBuilder` builds unsaved records as `model(**fields)` would;
- `BulkCleaner` runs full_clean() without re-checking a value a field has already accepted;
- `CopyRows` writes records in PostgreSQL COPY's text format;
- `CopyStream` hands COPY its rows as they are produced, so Python checks the next rows
  while PostgreSQL stores the previous ones (two processes, two cores).
"""

import datetime
import io
import json
import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DecimalField,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
    TimeField,
    signals,
)
from django.db.models.base import ModelState
from django.db.models.expressions import DatabaseDefault

# Field classes whose __set__ is a plain attribute (ForeignKey handled apart) and whose cleaned
# value COPY takes as its text: for these, building and writing a record needs no field method.
_PLAIN = (BooleanField, CharField, DateField, DecimalField, ForeignKey, IntegerField, TextField, TimeField)


class RecordBuilder:
    """`model(**fields)` for many rows: the defaults are worked out once, and a row's values
    are set as Model.__init__ sets them (a related object also fills its id and the cache).
    Any case it does not know (a field not plain, init signals, an unknown name, a related
    object of the wrong model) goes through model(**fields), which raises what Django raises."""

    def __init__(self, model):
        self.model = model
        meta = model._meta
        fields = list(meta.concrete_fields)
        self.fast = (
            model.__init__ is Model.__init__
            and not signals.pre_init.has_listeners(model)
            and not signals.post_init.has_listeners(model)
            and all(isinstance(f, (*_PLAIN, JSONField)) for f in fields)
        )
        prototype = model()
        self.fresh = {f.attname: f for f in fields if f.has_default() and callable(f.default)}
        self.defaults = {k: v for k, v in prototype.__dict__.items() if k != "_state" and k not in self.fresh}
        self.plain = {f.name: f.attname for f in fields if not f.is_relation} | {
            f.attname: f.attname for f in fields if f.is_relation
        }
        self.relations = {f.name: f for f in fields if f.is_relation}
        self.known = self.plain.keys() | self.relations.keys()
        self.relation_items = [
            (f.name, f.attname, f.related_model, f.target_field.attname) for f in self.relations.values()
        ]

    def __call__(self, fields: dict):
        if not self.fast or not fields.keys() <= self.known:
            return self.model(**fields)
        obj = Model.__new__(self.model)
        obj._state = state = ModelState()
        state.fields_cache = {}
        values = obj.__dict__
        values.update(self.defaults)
        for attname, field in self.fresh.items():
            values[attname] = field.get_default()
        values.update(fields)
        for name, attname, related_model, target in self.relation_items:
            if name not in fields:
                continue
            value = values.pop(name)
            if value is None:
                values[attname] = None
            elif isinstance(value, related_model):
                values[attname] = getattr(value, target)
            else:
                return self.model(**fields)
            state.fields_cache[name] = value
        return obj


def set_relation(obj, name: str, value, attname: str) -> None:
    """obj.<name> = value, for a loaded related object or None, as the field's descriptor sets it."""
    obj.__dict__[attname] = None if value is None else value.pk
    obj._state.fields_cache[name] = value


# Types whose equal values are written alike, so a field that cleaned one cleans the other
# the same way (not Decimal: 1.10 == 1.100, yet only one has two decimal places).
_MEMO_TYPES = frozenset({str, int, bool, datetime.date, type(None)})
_MISSING = object()


class BulkCleaner:
    """full_clean(validate_unique=False, validate_constraints=False) for many records of one
    kind: every field of every record is checked, but a field's clean() of a value it has
    already accepted in this batch is not run again (an import repeats the same branches, dates
    and choices thousands of times). The model's clean() runs for every record."""

    def __init__(self, model):
        self.fast = model.full_clean is Model.full_clean and model.clean_fields is Model.clean_fields
        # field, name, attname, blank, empty values, and the values it accepted: (type, raw) -> cleaned
        self.fields = [
            (f, f.name, f.attname, f.blank, f.empty_values, {}) for f in model._meta.fields if not f.generated
        ]

    def full_clean(self, obj, exclude) -> None:
        if not self.fast:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            return
        errors: dict = {}
        try:
            self.clean_fields(obj, exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            obj.clean()
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, obj, exclude) -> None:
        """Model.clean_fields(), remembering the values each field accepted."""
        errors = {}
        values = obj.__dict__
        for f, name, attname, blank, empty_values, accepted in self.fields:
            if name in exclude:
                continue
            raw = values[attname]
            kind = type(raw)
            key = (kind, raw) if kind in _MEMO_TYPES else None
            if key is not None:
                cleaned = accepted.get(key, _MISSING)
                if cleaned is not _MISSING:
                    values[attname] = cleaned
                    continue
            if blank and raw in empty_values:
                continue
            if isinstance(raw, DatabaseDefault):
                continue
            try:
                cleaned = f.clean(raw, obj)
            except ValidationError as e:
                errors[name] = e.error_list
                continue
            values[attname] = cleaned
            if key is not None:
                accepted[key] = cleaned
        if errors:
            raise ValidationError(errors)


_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value) -> str:
    """A cleaned value in COPY's text format (NULL is \\N; backslash, tab and line breaks escaped)."""
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES) if _SPECIAL.search(value) else value
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return copy_text(str(value))


class CopyRows:
    """Records of one kind as lines of COPY text, with what bulk_create() would store: the
    columns are the concrete fields (the primary key first, when given); `auto_now` and
    `auto_now_add` take the batch's one `now`, set on the record as pre_save() sets it."""

    def __init__(self, model, now: datetime.datetime, *, with_pk: bool):
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.columns = [f.column for f in fields]
        self.stamped = [f.attname for f in fields if _stamped(f)]
        self.now = now
        now_text = copy_text(now)
        self.text = [(f.attname, (lambda _value: now_text) if _stamped(f) else _text_of(f)) for f in fields]

    def line(self, obj) -> str:
        values = obj.__dict__
        for attname in self.stamped:
            values[attname] = self.now
        return "\t".join([text(values[attname]) for attname, text in self.text]) + "\n"


def _stamped(field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _text_of(field):
    if isinstance(field, JSONField):
        return lambda value: copy_text(
            None if value is None else json.dumps(value, cls=field.encoder, ensure_ascii=False)
        )
    if not isinstance(field, _PLAIN):
        raise TypeError(f"{field!r} has no COPY text here; write its model with bulk_create")
    if field.primary_key or isinstance(field, (TextField, DecimalField)):
        return copy_text  # unique values, long free text, or equal values written differently
    return _remembering(copy_text)


def _remembering(text):
    """`text`, worked out once per value: a column of codes, dates or ids repeats its values."""
    known: dict = {}

    def remembered(value):
        try:
            return known[value]
        except KeyError:
            result = known[value] = text(value)
            return result

    return remembered


def copyable(model) -> bool:
    return all(isinstance(f, (*_PLAIN, JSONField)) for f in model._meta.concrete_fields)


class CopyStream:
    """A file for cursor.copy_expert() reading lines from an iterator as COPY asks for them."""

    def __init__(self, lines):
        self.lines = iter(lines)
        self.pending = ""
        self.failed: Exception | None = None  # what making the lines raised

    def read(self, size: int = -1) -> str:
        parts, length = [self.pending], len(self.pending)
        try:
            for line in self.lines:
                parts.append(line)
                length += len(line)
                if 0 <= size <= length:
                    break
        except Exception as exc:
            self.failed = exc
            raise
        text = "".join(parts)
        if size < 0:
            self.pending = ""
            return text
        self.pending = text[size:]
        return text[:size]


def stream_copy(db, table: str, columns: list[str], make_lines) -> None:
    """COPY the lines that `make_lines()` yields, each sent as it is made, so that Python makes
    the next lines while PostgreSQL stores the previous ones. No query can run while a COPY holds
    the connection: should making a line need one, the COPY is undone, the lines are made first
    (make_lines() is called again, and must start afresh) and then sent."""
    stream = CopyStream(make_lines())
    try:
        with transaction.atomic(using=db.alias), refusing_queries(db):
            copy_from(db, table, columns, stream)
    except Exception:  # psycopg2 reports an exception raised by read() as the COPY's failure
        if stream.failed is None:
            raise
        if not isinstance(stream.failed, QueryDuringCopy):
            raise stream.failed from None
        copy_from(db, table, columns, io.StringIO("".join(make_lines())))


def copy_from(db, table: str, columns: list[str], source, *, chunk: int = 1 << 16) -> None:
    """COPY `table` (columns) FROM STDIN, the text read from `source` (a file or CopyStream)."""
    names = ", ".join(db.ops.quote_name(c) for c in columns)
    with db.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {db.ops.quote_name(table)} ({names}) FROM STDIN", source, size=chunk)


def reserve_ids(db, model, count: int) -> list[int]:
    """`count` ids from the table's sequence, as inserts would take them."""
    pk = model._meta.pk
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, pk.column])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT array_agg(nextval(%s::regclass) ORDER BY n) FROM generate_series(1, %s) n", [sequence, count]
        )
        return cursor.fetchone()[0]


class QueryDuringCopy(Exception):
    """A query was attempted while a COPY held the connection."""


@contextmanager
def refusing_queries(db):
    """Raise QueryDuringCopy at any query on `db` in the block (the connection is busy with a COPY)."""

    def refuse(execute, sql, params, many, context):
        raise QueryDuringCopy(sql)

    with db.execute_wrapper(refuse):
        yield
