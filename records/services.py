"""The one write path of every record kind.

Each kind's services.py exposes typed functions (`home_visit_create`, ...) that call these.
A write checks scope and role, validates, checks the period lock, saves, writes the audit
entry and updates the roll-up store, all in one transaction: it happens whole or not at all.
"""

import datetime
import functools
import io

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import audit, audit_fields, batch_audit, diff, snapshot, write_entry
from audit.models import AuditEntry
from branches.access import access_for
from branches.models import Branch, common_branch
from core.errors import OutOfScope, PeriodLocked, StaleEdit
from metrics import rollup as store
from metrics.models import Submission
from records.bulk import (
    BulkCleaner,
    CopyRows,
    RecordBuilder,
    copy_from,
    copyable,
    reserve_ids,
    set_relation,
    stream_copy,
)

# From this many rows a bulk write goes through COPY on PostgreSQL (bulk_create below it).
COPY_THRESHOLD = 500


def check_can_write(user, branch) -> None:
    access = access_for(user)
    if branch is None or not access.in_scope(branch):
        raise OutOfScope()
    if not access.can_write_records(branch):
        raise PermissionDenied(_("Your role does not allow recording at %(branch)s.") % {"branch": branch})


@functools.cache
def _date_fields(model) -> tuple[str, ...]:
    """The fields whose months a record of this kind touches: its date and its measures' dates."""
    return tuple(sorted({"occurred_on", *(m.date_field for m in model.measures)}))


def months_touched(obj) -> set[datetime.date]:
    dates = {getattr(obj, name) for name in _date_fields(type(obj))}
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
    m2m = m2m or {}
    obj._pending_relations = m2m
    obj.full_clean()
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
    current._pending_relations = m2m
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
    try:
        current.delete()
    except ProtectedError as exc:  # the whole delete rolls back, photos included
        raise ValidationError(still_named_by(exc)) from None
    write_entry(entry, current)
    store.apply_change(state, None)


def still_named_by(exc: ProtectedError) -> str:
    """Why a record other records name cannot be deleted (a partnership with activities)."""
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
    return _("Other records name this one (%(kinds)s: %(n)s); change or delete them first.") % {
        "kinds": "、".join(kinds),
        "n": len(exc.protected_objects),
    }


def delete_photo_files_on_commit(photos) -> None:
    """Remove the photos' files once the deletion is committed: a delete that rolls back keeps them."""
    files = [(f.storage, f.name) for photo in photos for f in (photo.image, photo.thumbnail) if f.name]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


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


class BulkChecks:
    """The checks of record_create for many rows of one kind, a row at a time: scope and role
    (once per branch), full_clean() (once per field and value, the model's clean() per row),
    then, over all rows, the period locks. `check()` answers the unsaved record or None when
    the row has errors; `finish()` the records, or BulkValidationError listing every bad row."""

    def __init__(self, model, user):
        self.user = user
        self.created_by = user if getattr(user, "pk", None) else None
        self.instances = RecordBuilder(model)
        self.cleaner = BulkCleaner(model)
        self.scope: dict[int, tuple] = {}
        self.restart()

    def restart(self) -> None:
        """Forget the rows checked so far (what was looked up is kept)."""
        self.objs: list = []
        self.errors: dict[int, dict] = {}
        self.given: dict[tuple, list[str]] = {}  # keyed by names and ids of objects self.objs keeps alive

    def prepare(self, rows: list[dict]) -> None:
        """Look up now what checking the rows would: the user's roles and the branches named
        by id, each checked for scope once."""
        access_for(self.user).paths  # noqa: B018 (loads the user's memberships)
        given = {fields.get("branch_id", fields.get("branch")) for fields in rows}
        for branch in given:
            if isinstance(branch, Branch) and branch.pk not in self.scope:
                self._remember_scope(branch)
        wanted = {b for b in given if type(b) is int and b not in self.scope}
        for branch in Branch.objects.filter(pk__in=wanted):
            self._remember_scope(branch)

    def _remember_scope(self, branch) -> tuple:
        try:
            check_can_write(self.user, branch)
            known = (branch, None)
        except (OutOfScope, PermissionDenied) as exc:
            known = (branch, exc)
        self.scope[branch.pk] = known
        return known

    def check(self, index: int, fields: dict, m2m: dict | None = None):
        obj = self.instances(fields)
        obj._pending_relations = m2m or {}
        set_relation(obj, "created_by", self.created_by, "created_by_id")
        self.objs.append(obj)
        try:
            self._check_scope(obj)
            self.cleaner.full_clean(obj, exclude=self._given_relations(obj))
        except (ValidationError, OutOfScope, PermissionDenied) as exc:
            self.errors[index] = _row_errors(exc)
            return None
        return obj

    def _check_scope(self, obj) -> None:
        if not obj.branch_id:
            raise OutOfScope()
        known = self.scope.get(obj.branch_id)
        if known is None:
            try:
                known = self._remember_scope(obj.branch)
            except Branch.DoesNotExist:
                known = self.scope[obj.branch_id] = (None, OutOfScope())
        branch, refusal = known
        if refusal is not None:
            raise refusal
        obj._state.fields_cache["branch"] = branch  # one Branch object per branch, no query per row

    def _given_relations(self, obj) -> list[str]:
        """Foreign keys given as saved objects need no existence query per row (worked out once
        per set of related objects: an import names the same few thousand again and again)."""
        cache = obj._state.fields_cache
        key = (*cache, *map(id, cache.values()))
        names = self.given.get(key)
        if names is None:
            names = [name for name, value in cache.items() if value is not None and not value._state.adding]
            self.given[key] = names
        return names

    def branches(self) -> list:
        """The branches of the rows (of rows in scope, when some were not)."""
        return [branch for branch, refusal in self.scope.values() if branch is not None and refusal is None]

    def finish(self) -> list:
        self._check_locks()
        if self.errors:
            raise BulkValidationError(self.errors)
        return self.objs

    def _check_locks(self) -> None:
        """months_touched() and check_months_open() of every checked row, with one query: the
        distinct dates and branches first, each row only when some month is approved."""
        objs = self.objs if not self.errors else [o for i, o in enumerate(self.objs) if i not in self.errors]
        if not objs:
            return
        names = _date_fields(type(objs[0]))
        dates = {getattr(obj, name) for obj in objs for name in names}
        branches = {obj.branch_id: obj for obj in objs}
        ancestors = {pk for obj in branches.values() for pk in obj.branch.ancestor_ids}
        locked = {
            (s.branch_id, s.month): s
            for s in Submission.objects.approved()
            .filter(branch_id__in=ancestors, month__in={d.replace(day=1) for d in dates if d})
            .select_related("decided_by", "branch")
        }
        if not locked:
            return
        for index, obj in enumerate(self.objs):
            if index in self.errors:
                continue
            for month in sorted(months_touched(obj)):
                hit = next((locked[(a, month)] for a in obj.branch.ancestor_ids if (a, month) in locked), None)
                if hit:
                    self.errors[index] = {"occurred_on": [str(PeriodLocked(hit))]}
                    break


def record_bulk_check(model, *, user, rows: list[dict], m2m_rows: list[dict] | None = None) -> list:
    """Check rows as record_bulk_create does, writing nothing (an import's dry run): the
    unsaved records, or BulkValidationError listing every bad row."""
    checks = BulkChecks(model, user)
    for index, fields in enumerate(rows):
        checks.check(index, fields, m2m_rows[index] if m2m_rows else None)
    return checks.finish()


@transaction.atomic
def record_bulk_create(
    model, *, user, rows: list[dict], m2m_rows: list[dict] | None = None, action=None, reason: str = ""
):
    """Create many records of one kind: every row is checked as a single create would be, then
    all are written together (all or none), with one audit entry for the batch (naming every
    record) and one batched roll-up update. Raises BulkValidationError listing every bad row."""
    checks = BulkChecks(model, user)
    db = connections[model.objects.db]
    if db.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD and copyable(model):
        objs = _copy_records(db, model, checks, rows, m2m_rows)
    else:
        for index, fields in enumerate(rows):
            checks.check(index, fields, m2m_rows[index] if m2m_rows else None)
        objs = checks.finish()
        model.objects.bulk_create(objs, batch_size=1000)
    if not objs:
        return objs
    if m2m_rows:
        _bulk_set_m2m(db, model, objs, m2m_rows)
    batch_audit(
        user=user,
        action=action or AuditEntry.Action.CREATE,
        model=model,
        objs=objs,
        branch=common_branch(checks.branches()),
        reason=reason,
    )
    store.add_to_store(*store.accumulate_records(objs))
    return objs


def _copy_records(db, model, checks: BulkChecks, rows: list[dict], m2m_rows: list[dict] | None = None) -> list:
    """COPY the records, each sent as soon as it is checked: Python checks the next rows while
    PostgreSQL stores the previous ones. Once a row has failed nothing more is sent, but every
    row is still checked, so the error lists them all; the transaction rolls back what was sent."""
    ids = reserve_ids(db, model, len(rows))
    records = CopyRows(model, timezone.now(), with_pk=True)
    pk = model._meta.pk.attname
    checks.prepare(rows)  # what the checks look up, looked up before the COPY

    def record_lines():
        checks.restart()
        for index, fields in enumerate(rows):
            obj = checks.check(index, fields, m2m_rows[index] if m2m_rows else None)
            if obj is None or checks.errors:
                continue
            obj.__dict__[pk] = ids[index]
            obj._state.adding = False
            obj._state.db = db.alias
            yield records.line(obj)

    stream_copy(db, model._meta.db_table, records.columns, record_lines)
    return checks.finish()


def _bulk_set_m2m(db, model, objs, m2m_rows) -> None:
    """The records' many-to-many links (a home visit's team): COPY on PostgreSQL for a bulk
    write's worth (the link table's keys are checked as by INSERT), bulk_create otherwise."""
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        own, other = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
        pairs = [
            (obj.pk, value.pk)
            for obj, m2m in zip(objs, m2m_rows, strict=True)
            for value in (m2m or {}).get(field.name, ())
        ]
        if db.vendor == "postgresql" and len(pairs) >= COPY_THRESHOLD:
            text = "".join(f"{a}\t{b}\n" for a, b in pairs)
            copy_from(db, through._meta.db_table, [own, other], io.StringIO(text))
        else:
            through.objects.bulk_create([through(**{own: a, other: b}) for a, b in pairs], batch_size=1000)
