"""The one write path of every record kind.

Each kind's services.py exposes typed functions (`home_visit_create`, ...) that call these.
A write checks scope and role, validates, checks the period lock, saves, writes the audit
entry and updates the roll-up store, all in one transaction: it happens whole or not at all.
"""

import datetime
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.access import access_for
from metrics import store
from metrics.models import Submission
from portal.audit import audit, audit_fields, diff, snapshot
from portal.errors import OutOfScope, PeriodLocked, StaleEdit
from portal.models import AuditEntry


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
    current = type(obj).objects.select_for_update().select_related("branch").get(pk=obj.pk)
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
    obj, *, user, expected_version=None, m2m: dict | None = None, workflow_fields=(), action=None, **changes
):
    """Apply `changes` to the record. `expected_version` refuses a stale edit (StaleEdit)."""
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
    check_months_open(before_branch, before_months)

    for name, value in changes.items():
        setattr(current, name, value)
    if current.branch_id != before_branch.id:
        check_can_write(user, current.branch)
    current.full_clean()
    _check_m2m_scope(current, m2m)
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
    for photo in current.photos.all():
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    current.photos.all().delete()
    current.delete()
    AuditEntry.objects.create(**entry)
    store.apply_change(state, None)


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


def record_bulk_check(model, *, user, rows: list[dict]) -> list:
    """Check rows as record_bulk_create does, writing nothing (an import's dry run): the
    unsaved records, or BulkValidationError listing every bad row."""
    objs, errors = [], {}
    created_by = user if getattr(user, "pk", None) else None
    for index, fields in enumerate(rows):
        obj = model(**fields)
        obj.created_by = created_by
        try:
            check_can_write(user, obj.branch if obj.branch_id else None)
            obj.full_clean(exclude=_given_relations(obj), validate_unique=False, validate_constraints=False)
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
    model.objects.bulk_create(objs, batch_size=1000)
    if m2m_rows:
        _bulk_set_m2m(model, objs, m2m_rows)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                **audit_fields(
                    user=user, action=action or AuditEntry.Action.CREATE, obj=obj, changes=diff({}, snapshot(obj))
                )
            )
            for obj in objs
        ],
        batch_size=1000,
    )
    sums, members = Counter(), Counter()
    for obj in objs:
        store.accumulate(sums, members, store.record_state(obj))
    store.add_to_store(sums, members)
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
