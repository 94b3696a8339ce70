"""Audit entries: who did what to which object, with the fields that changed."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from core.freshness import data_changed

SKIPPED = {"created_at", "updated_at", "version", "counterparty_key", "follow_up_due"}


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj, m2m: dict | None = None) -> dict:
    """The object's user-visible fields as JSON-ready values (foreign keys as ids)."""
    data = {
        f.name: _plain(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in SKIPPED and not f.primary_key
    }
    for name, values in (m2m or {}).items():
        data[name] = sorted(v.pk if isinstance(v, models.Model) else v for v in values)
    return data


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def audit(
    *, user, action: str, obj=None, changes: dict | None = None, reason: str = "", branch=None, **columns
) -> AuditEntry:
    """Write an audit entry (`columns` set the object columns of an entry naming no one object)."""
    fields = audit_fields(user=user, action=action, obj=obj, changes=changes, reason=reason, branch=branch)
    return write_entry(fields | columns, obj)


def write_entry(fields: dict, obj=None) -> AuditEntry:
    """Save an audit entry (fields as audit_fields() gives them) and tell the caches what the
    write changed, once it commits (core.freshness): every audited write passes here, a record's
    deletion too, whose entry is made before the record goes."""
    entry = AuditEntry(**fields)
    data_changed(_changed_branches(obj, entry.branch, entry.changes), topic=_topic(entry), since=_since(obj, entry))
    entry.save(force_insert=True)
    return entry


def _topic(entry: AuditEntry) -> str | None:
    """What the write changed, as core.freshness names it: the label of the object's model (a
    photo's entry names its record), None for an entry about no object."""
    if entry.content_type_id is None:
        return None
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _since(obj, entry: AuditEntry) -> int | None:
    """The first year whose figures the write changes, for an object that knows it (a record,
    a target, a submission: figures_since()); None (any year) otherwise."""
    figures_since = getattr(obj, "figures_since", None)
    if figures_since is None:
        return None
    return figures_since(entry.changes if isinstance(entry.changes, dict) else {})


def _changed_branches(obj, branch, changes: dict) -> list[int] | None:
    """Where a dashboard's cached part may show the write (a record, target or submission: its
    branch and the ancestors, whose figures, sub-branch rows and completeness include it, and
    those of the branch it left when it moved); None (everywhere) for a change to a branch itself
    (a name or a parent shows in other branches' pages) or a write tied to no branch."""
    if branch is None or obj == branch:
        return None
    ids = getattr(branch, "ancestor_ids", None)
    moved = changes.get("branch") if isinstance(changes, dict) else None
    if ids is None or not moved or moved[0] in (None, branch.pk):
        return ids
    left = type(branch)._default_manager.filter(pk=moved[0]).first()
    return None if left is None else [*ids, *left.ancestor_ids]


def audited_upsert(model, *, user, branch, lookup: dict, values: dict):
    """Create or change the one row of `model` matching `lookup` (locked while it changes), with
    `values`, validated, and its create or update audit entry. Call inside the service's transaction."""
    obj = model.objects.select_for_update().filter(**lookup).first()
    before = snapshot(obj) if obj is not None else {}
    if obj is None:
        obj = model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        obj=obj,
        branch=branch,
        changes=diff(before, snapshot(obj)),
    )
    return obj


def audit_fields(*, user, action, obj=None, changes=None, reason="", branch=None) -> dict:
    fields = {
        "user": user if getattr(user, "pk", None) else None,
        "action": action,
        "changes": changes or {},
        "reason": reason,
        "branch": branch if branch is not None else getattr(obj, "branch", None),
    }
    if obj is not None:
        fields.update(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            object_repr=str(obj)[:200],
            version=getattr(obj, "version", None),
        )
    return fields


def id_ranges(ids) -> list[list[int]]:
    """[[first, last], ...] of the ids, each run of consecutive ids one range."""
    ranges: list[list[int]] = []
    for pk in sorted(ids):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


def batch_audit(*, user, action: str, model, objs: list, branch=None, reason: str = "") -> AuditEntry:
    """The one audit entry of a bulk write: who wrote how many records of which kind, and which
    (their ids, as ranges). Each record's history shows it (history() below); the values
    written are the records' own as at version 1, later changes each have their entry."""
    ranges = id_ranges(obj.pk for obj in objs)
    return audit(
        user=user,
        action=action,
        branch=branch,
        reason=reason,
        changes={"records": len(objs), "ids": ranges},
        content_type=ContentType.objects.get_for_model(model),
        object_id=ranges[0][0],
        last_object_id=ranges[-1][1],
        object_repr=_("%(count)s × %(kind)s") % {"count": len(objs), "kind": model._meta.verbose_name},
    )


def in_batch(entry: AuditEntry, pk: int) -> bool:
    return any(first <= pk <= last for first, last in entry.changes.get("ids", ()))


def history(obj) -> list[AuditEntry]:
    """Audit entries of one object, newest first: its own and those of the bulk writes that
    wrote it."""
    entries = AuditEntry.objects.filter(
        Q(object_id=obj.pk, last_object_id__isnull=True) | Q(object_id__lte=obj.pk, last_object_id__gte=obj.pk),
        content_type=ContentType.objects.get_for_model(obj),
    ).select_related("user")
    return [e for e in entries if e.last_object_id is None or in_batch(e, obj.pk)]
