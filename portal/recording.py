"""The one write path of every record kind.

Each kind's services.py exposes typed functions (`home_visit_create`, ...) that call these.
A write checks scope and role, validates, checks the period lock, saves, writes the audit
entry and updates the roll-up store, all in one transaction: it happens whole or not at all.
"""

import datetime
import io
import json
from contextlib import contextmanager
from functools import partial
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
)
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext as _

from branches.access import access_for
from metrics import store
from metrics.models import Submission
from portal.audit import audit, audit_fields, diff, snapshot
from portal.errors import OutOfScope, PeriodLocked, StaleEdit
from portal.models import AuditEntry

# From this many rows a bulk write goes through COPY on PostgreSQL (bulk_create below it).
COPY_THRESHOLD = 500


def check_can_write(user, branch) -> None:
    access = access_for(user)
    if branch is None or not access.in_scope(branch):
        raise OutOfScope()
    if not access.can_write_records(branch):
        raise PermissionDenied(_("Your role does not allow recording at %(branch)s.") % {"branch": branch})


def months_touched(obj) -> set[datetime.date]:
    dates = {obj.occurred_on}
    dates |= {getattr(obj, m.date_field) for m in type(obj).measures}
    return {d.replace(day=1) for d in dates if d}


def check_months_open(branch, months) -> None:
    """Refuse when the month is approved for the branch or any node above it (an approval
    covers the approved node's whole subtree, as in DHIS2)."""
    locked = (
        Submission.objects.approved()
        .filter(branch_id__in=branch.ancestor_ids, month__in=sorted(months))
        .select_related("decided_by", "branch")
        .order_by("month")
        .first()
    )
    if locked:
        raise PeriodLocked(locked)


def _m2m_values(obj, names) -> dict:
    return {name: list(getattr(obj, name).all()) for name in names}


def _check_m2m_scope(obj, m2m: dict) -> None:
    """Related staff must belong to the record's branch subtree's reach (the user's scope)."""
    for name, values in m2m.items():
        for value in values:
            branch = getattr(value, "branch", None)
            if (
                branch is not None
                and not obj.branch.path.startswith(branch.path)
                and not branch.path.startswith(obj.branch.path)
            ):
                raise ValidationError({name: _("%(item)s does not work at this branch.") % {"item": value}})


@transaction.atomic
def record_create(model, *, user, m2m: dict | None = None, **fields):
    obj = model(**fields)
    obj.created_by = user if getattr(user, "pk", None) else None
    check_can_write(user, getattr(obj, "branch", None) if obj.branch_id else None)
    obj.full_clean()
    m2m = m2m or {}
    _check_m2m_scope(obj, m2m)
    check_months_open(obj.branch, months_touched(obj))
    obj.save()
    for name, values in m2m.items():
        getattr(obj, name).set(values)
    audit(user=user, action=AuditEntry.Action.CREATE, obj=obj, changes=diff({}, snapshot(obj, m2m)))
    store.apply_change(None, store.record_state(obj))
    return obj


def _locked_current(obj, user, expected_version):
    # Lock the record's row only: FOR UPDATE on the joined branch row too would make every edit at
    # a branch wait for (and deadlock with) concurrent creates there, whose foreign keys share-lock it.
    current = type(obj).objects.select_for_update(of=("self",)).select_related("branch").get(pk=obj.pk)
    access = access_for(user)
    if not access.in_scope(current.branch):
        raise OutOfScope()
    if expected_version is not None and int(expected_version) != current.version:
        since = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            version__gt=int(expected_version),
        ).select_related("user")
        raise StaleEdit(current, list(since))
    check_can_write(user, current.branch)
    return current


@transaction.atomic
def record_update(
    obj,
    *,
    user,
    expected_version=None,
    m2m: dict | None = None,
    workflow_fields=(),
    action=None,
    figures_only_lock=False,
    **changes,
):
    """Apply `changes` to the record. `expected_version` refuses a stale edit (StaleEdit).

    figures_only_lock: the approval lock applies only if the change moves a reported figure
    (an honour's later lifecycle leaves the award month's figures as approved)."""
    current = _locked_current(obj, user, expected_version)
    model = type(current)
    forbidden = (set(changes) & (model.system_fields - set(workflow_fields))) - {"id"}
    if forbidden or "id" in changes:
        raise ValidationError(
            {name: _("This field cannot be set directly.") for name in sorted(forbidden | ({"id"} & set(changes)))}
        )
    m2m = m2m or {}
    m2m_names = [f.name for f in model._meta.many_to_many]
    before_m2m = _m2m_values(current, [n for n in m2m_names if n in m2m])
    before = snapshot(current, before_m2m)
    before_state = store.record_state(current)
    before_branch, before_months = current.branch, months_touched(current)
    if not figures_only_lock:
        check_months_open(before_branch, before_months)

    for name, value in changes.items():
        setattr(current, name, value)
    if current.branch_id != before_branch.id:
        check_can_write(user, current.branch)
    current.full_clean()
    _check_m2m_scope(current, m2m)
    if figures_only_lock and store.record_state(current) != before_state:
        check_months_open(before_branch, before_months)
    if current.branch_id != before_branch.id or months_touched(current) != before_months:
        check_months_open(current.branch, months_touched(current))

    after = snapshot(current, m2m)
    changed = diff(before, after)
    if not changed:
        return current
    current.version += 1
    current.save()
    for name, values in m2m.items():
        getattr(current, name).set(values)
    audit(user=user, action=action or AuditEntry.Action.UPDATE, obj=current, changes=changed)
    store.apply_change(before_state, store.record_state(current))
    return current


@transaction.atomic
def record_delete(obj, *, user, expected_version=None) -> None:
    current = _locked_current(obj, user, expected_version)
    check_months_open(current.branch, months_touched(current))
    m2m_names = [f.name for f in type(current)._meta.many_to_many]
    before = snapshot(current, _m2m_values(current, m2m_names))
    state = store.record_state(current)
    entry = audit_fields(user=user, action=AuditEntry.Action.DELETE, obj=current, changes=diff(before, {}))
    delete_photo_files_on_commit(list(current.photos.all()))
    current.photos.all().delete()
    current.delete()
    AuditEntry.objects.create(**entry)
    store.apply_change(state, None)


def delete_photo_files_on_commit(photos) -> None:
    """Remove the photos' files once the deletion is committed: a delete that rolls back keeps them."""
    files = [(f.storage, f.name) for photo in photos for f in (photo.image, photo.thumbnail) if f.name]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def _given_relations(obj) -> list[str]:
    """Foreign keys given as loaded objects need no existence query per row."""
    return [
        f.name
        for f in obj._meta.concrete_fields
        if f.is_relation and f.is_cached(obj) and getattr(obj, f.name) is not None and getattr(obj, f.name).pk
    ]


class BulkValidationError(Exception):
    """Rows that failed validation, by row index: nothing was written."""

    def __init__(self, errors: dict[int, list[str] | dict]):
        self.errors = errors
        super().__init__(_("%(n)s rows have errors; nothing was written.") % {"n": len(errors)})


def _row_errors(exc: Exception) -> dict:
    if isinstance(exc, ValidationError):
        return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    if isinstance(exc, OutOfScope):
        return {"branch": [_("This branch is outside your scope.")]}
    return {"__all__": [str(exc)]}


# Types whose equal values are written alike, so a field that cleaned one cleans the other
# the same way (not Decimal: 1.10 == 1.100, yet only one has two decimal places).
_MEMO_TYPES = (str, int, bool, datetime.date)


class BulkCleaner:
    """full_clean(validate_unique=False, validate_constraints=False) for many records of one
    kind: every field of every record is checked, but a field's clean() of a value it has
    already accepted in this batch is not run again (an import repeats the same branches, dates
    and choices thousands of times). The model's clean() runs for every record."""

    def __init__(self, model):
        self.fast = model.full_clean is Model.full_clean and model.clean_fields is Model.clean_fields
        self.accepted: dict[tuple, object] = {}

    def full_clean(self, obj, exclude) -> None:
        if not self.fast:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            return
        errors: dict = {}
        try:
            self.clean_fields(obj, set(exclude))
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            obj.clean()
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, obj, exclude: set) -> None:
        """Model.clean_fields(), remembering the values each field accepted."""
        errors = {}
        for f in obj._meta.fields:
            if f.name in exclude or f.generated:
                continue
            raw = getattr(obj, f.attname)
            if f.blank and raw in f.empty_values:
                continue
            if isinstance(raw, DatabaseDefault):
                continue
            key = (f, type(raw), raw) if type(raw) in _MEMO_TYPES or raw is None else None
            if key is not None and key in self.accepted:
                setattr(obj, f.attname, self.accepted[key])
                continue
            try:
                cleaned = f.clean(raw, obj)
            except ValidationError as e:
                errors[f.name] = e.error_list
                continue
            setattr(obj, f.attname, cleaned)
            if key is not None:
                self.accepted[key] = cleaned
        if errors:
            raise ValidationError(errors)


class ChoiceLabels:
    """get_FOO_display() of many records of one kind, each label looked up once per value:
    Django rebuilds a field's choices on every call, which made str() of a record (the audit
    entry's object_repr) the dearest step of an import. `on(obj)` lends the record the labels
    for the duration of the block; the record is left as it was."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.choices]
        self.labels: dict[tuple, object] = {}

    @contextmanager
    def on(self, obj):
        names = []
        for f in self.fields:
            value = getattr(obj, f.attname)
            name = f"get_{f.name}_display"
            try:
                key = (f.name, value)
                if key not in self.labels:
                    self.labels[key] = getattr(self.model, name)(obj)
            except TypeError:  # an unhashable value: no shortcut
                continue
            obj.__dict__[name] = partial(_label, self.labels[key])
            names.append(name)
        try:
            yield obj
        finally:
            for name in names:
                obj.__dict__.pop(name, None)


def _label(label):
    return label


def _copy_text(value) -> str:
    """A value in COPY's text format (NULL is \\N; backslash, tab and line breaks escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _converter(field, db):
    """The field's get_db_prep_save() for COPY, with the common cases that it hands back
    unchanged (a str for a text field, an int for an integer or key, a date for a date) kept
    as they are: calling it for every value of every row is most of an import's insert."""
    if isinstance(field, JSONField):
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
    passes: tuple[type, ...] = ()
    if isinstance(field, (CharField, TextField)):
        passes = (str,)
    elif isinstance(field, (IntegerField, ForeignKey)) and not isinstance(field, BooleanField):
        passes = (int,)
    elif type(field) is DateField:
        passes = (datetime.date,)
    prepare = field.get_db_prep_save

    def convert(value):
        if value is None or type(value) in passes:
            return value
        return prepare(value, db)

    return convert


def copy_insert(model, objs, *, with_pk: bool) -> None:
    """bulk_create() through PostgreSQL COPY: the same values (each field's pre_save() and
    get_db_prep_save(), as bulk_create uses), several times faster for thousands of rows.
    with_pk: reserve ids from the table's sequence first and set them on the objects.
    `objs` may also be plain objects carrying the fields' attnames (an audit entry's values)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = model._meta.db_table
    db = connections[model.objects.db]  # the connection itself: its proxy costs a lookup per value
    with db.cursor() as cursor:
        if with_pk:
            pk = model._meta.pk
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objs)],
            )
            for obj, (pk_value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk_value
            fields = [pk, *fields]
        converters = [(f.pre_save, _converter(f, db)) for f in fields]
        buffer = io.StringIO()
        for obj in objs:
            buffer.write("\t".join([_copy_text(convert(pre_save(obj, True))) for pre_save, convert in converters]))
            buffer.write("\n")
            if isinstance(obj, Model):
                obj._state.adding = False
                obj._state.db = db.alias
        buffer.seek(0)
        columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
        cursor.cursor.copy_expert(f"COPY {db.ops.quote_name(table)} ({columns}) FROM STDIN", buffer)


def _copying(count: int) -> bool:
    return connection.vendor == "postgresql" and count >= COPY_THRESHOLD


def _bulk_insert(model, objs, *, with_pk: bool = True) -> None:
    if _copying(len(objs)):
        copy_insert(model, objs, with_pk=with_pk)
    else:
        model.objects.bulk_create(objs, batch_size=1000)


def _audit_rows(fields_list: list[dict]) -> list:
    """Audit entries to insert: AuditEntry objects, or for COPY just their column values (an
    entry is never read back, and building thousands of model objects is not free)."""
    if not _copying(len(fields_list)):
        return [AuditEntry(**fields) for fields in fields_list]
    relations = [f for f in AuditEntry._meta.concrete_fields if f.is_relation]
    rows = []
    for fields in fields_list:
        values = dict(fields)
        for f in relations:
            if f.name in values:
                related = values.pop(f.name)
                values[f.attname] = related.pk if related is not None else None
        rows.append(SimpleNamespace(**values))
    return rows


def record_bulk_check(model, *, user, rows: list[dict]) -> list:
    """Check rows as record_bulk_create does, writing nothing (an import's dry run): the
    unsaved records, or BulkValidationError listing every bad row."""
    objs, errors = [], {}
    created_by = user if getattr(user, "pk", None) else None
    cleaner = BulkCleaner(model)
    for index, fields in enumerate(rows):
        obj = model(**fields)
        obj.created_by = created_by
        try:
            check_can_write(user, obj.branch if obj.branch_id else None)
            cleaner.full_clean(obj, exclude=_given_relations(obj))
        except (ValidationError, OutOfScope, PermissionDenied) as exc:
            errors[index] = _row_errors(exc)
        objs.append(obj)
    ancestors = {i for o in objs if o.branch_id for i in o.branch.ancestor_ids}
    locked = {
        (s.branch_id, s.month): s
        for s in Submission.objects.approved()
        .filter(branch_id__in=ancestors, month__in={m for o in objs for m in months_touched(o)})
        .select_related("decided_by", "branch")
    }
    for index, obj in enumerate(objs):
        if index in errors or not locked:
            continue
        for month in months_touched(obj):
            hit = next((locked[(a, month)] for a in obj.branch.ancestor_ids if (a, month) in locked), None)
            if hit:
                errors[index] = {"occurred_on": [str(PeriodLocked(hit))]}
                break
    if errors:
        raise BulkValidationError(errors)
    return objs


@transaction.atomic
def record_bulk_create(model, *, user, rows: list[dict], m2m_rows: list[dict] | None = None, action=None):
    """Create many records of one kind: every row is checked as a single create would be,
    then all are written together (all or none), with one audit entry per record and one
    batched roll-up update. Raises BulkValidationError listing every bad row."""
    objs = record_bulk_check(model, user=user, rows=rows)
    _bulk_insert(model, objs)
    if m2m_rows:
        _bulk_set_m2m(model, objs, m2m_rows)
    labels = ChoiceLabels(model)
    entries = []
    for obj in objs:
        with labels.on(obj):
            changes = diff({}, snapshot(obj))
            entries.append(audit_fields(user=user, action=action or AuditEntry.Action.CREATE, obj=obj, changes=changes))
    entries = _audit_rows(entries)
    _bulk_insert(AuditEntry, entries, with_pk=False)
    store.add_to_store(*store.accumulate_many(store.record_state(obj) for obj in objs))
    return objs


def _bulk_set_m2m(model, objs, m2m_rows) -> None:
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        own, other = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
        links = [
            through(**{own: obj.pk, other: value.pk})
            for obj, m2m in zip(objs, m2m_rows, strict=True)
            for value in (m2m or {}).get(field.name, ())
        ]
        through.objects.bulk_create(links, batch_size=1000)
