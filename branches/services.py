"""Writes of the branch tree, staff, role assignments, honours and targets."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import audit, audited_upsert, diff, snapshot
from branches.access import access_for
from branches.models import Branch, Honour, Membership, Staff, Target, path_segment
from core.errors import OutOfScope
from metrics.rebuild import rebuild
from records.models import AuditEntry
from records.services import record_create, record_delete, record_update

BRANCH_FIELDS = {
    "code",
    "name",
    "short_name",
    "level",
    "parent",
    "address",
    "love_station_since",
    "knowledge_corner_since",
    "elderly_finance_demo",
    "inclusive_finance_model",
    "community_finance",
    "population_served",
    "is_active",
}


def _require_admin(user) -> None:
    if not access_for(user).sees_everything:
        raise PermissionDenied(_("Only a system administrator changes the branch tree and roles."))


@transaction.atomic
def branch_create(*, user, code: str, name: str, level: str, parent: Branch | None = None, **fields) -> Branch:
    _require_admin(user)
    unknown = set(fields) - BRANCH_FIELDS
    if unknown:
        raise ValidationError({name_: _("Unknown field.") for name_ in unknown})
    branch = Branch(code=code, name=name, level=level, parent=parent, **fields)
    branch.path = "pending"
    branch.full_clean(exclude=["path"])
    branch.save()
    branch.path = (parent.path if parent else "") + path_segment(branch.pk)
    branch.depth = parent.depth + 1 if parent else 0
    branch.save(update_fields=["path", "depth"])
    audit(user=user, action=AuditEntry.Action.CREATE, obj=branch, branch=branch, changes=diff({}, snapshot(branch)))
    return branch


@transaction.atomic
def branch_update(branch: Branch, *, user, **changes) -> Branch:
    """Change a node; moving it rewrites its subtree's paths and rebuilds the roll-up store."""
    _require_admin(user)
    unknown = set(changes) - BRANCH_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    current = Branch.objects.select_for_update().get(pk=branch.pk)
    before = snapshot(current)
    old_path, old_parent_id = current.path, current.parent_id
    for name, value in changes.items():
        setattr(current, name, value)
    if current.parent_id != old_parent_id and current.parent is not None and current.parent.path.startswith(old_path):
        raise ValidationError({"parent": _("A branch cannot move under its own subtree.")})
    current.full_clean(exclude=["path"])
    moved = current.parent_id != old_parent_id
    if moved:
        new_path = (current.parent.path if current.parent else "") + path_segment(current.pk)
        depth_change = new_path.count(".") - old_path.count(".")
        Branch.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_change
        )
        current.path, current.depth = new_path, current.depth + depth_change
    current.save()
    changed = diff(before, snapshot(current))
    if changed:
        audit(user=user, action=AuditEntry.Action.UPDATE, obj=current, branch=current, changes=changed)
    if moved:
        rebuild()
    return current


@transaction.atomic
def staff_create(*, user, branch: Branch, name: str, **fields) -> Staff:
    access = access_for(user)
    if not access.in_scope(branch):
        raise OutOfScope()
    if not access.can_write_records(branch):
        raise PermissionDenied(_("Your role does not allow managing staff at %(branch)s.") % {"branch": branch})
    staff = Staff(branch=branch, name=name, **fields)
    staff.full_clean()
    staff.save()
    audit(user=user, action=AuditEntry.Action.CREATE, obj=staff, branch=branch, changes=diff({}, snapshot(staff)))
    return staff


@transaction.atomic
def staff_update(staff: Staff, *, user, **changes) -> Staff:
    access = access_for(user)
    current = Staff.objects.select_for_update().select_related("branch").get(pk=staff.pk)
    if not access.in_scope(current.branch):
        raise OutOfScope()
    before = snapshot(current)
    for name, value in changes.items():
        setattr(current, name, value)
    for branch in {current.branch, staff.branch}:
        if not access.in_scope(branch):
            raise OutOfScope()
        if not access.can_write_records(branch):
            raise PermissionDenied(_("Your role does not allow managing staff at %(branch)s.") % {"branch": branch})
    current.full_clean()
    current.save()
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        obj=current,
        branch=current.branch,
        changes=diff(before, snapshot(current)),
    )
    return current


@transaction.atomic
def membership_grant(*, user, member, branch: Branch, role: str) -> Membership:
    _require_admin(user)
    membership = Membership(user=member, branch=branch, role=role)
    membership.full_clean()
    membership.save()
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=membership,
        branch=branch,
        changes={"user": [None, member.username], "role": [None, role]},
    )
    return membership


@transaction.atomic
def membership_revoke(membership: Membership, *, user) -> None:
    _require_admin(user)
    audit(
        user=user,
        action=AuditEntry.Action.DELETE,
        obj=membership,
        branch=membership.branch,
        changes={"user": [membership.user.username, None], "role": [membership.role, None]},
    )
    membership.delete()


def _link_fields(linked_record) -> dict:
    if linked_record is None:
        return {"linked_type": None, "linked_id": None}
    return {"linked_type": ContentType.objects.get_for_model(linked_record), "linked_id": linked_record.pk}


def _check_linked(user, linked_record) -> None:
    if linked_record is not None and not access_for(user).in_scope(linked_record.branch):
        raise ValidationError({"linked_record": _("The linked record is outside your scope.")})


def honour_create(*, user, linked_record=None, **fields) -> Honour:
    """A pennant, letter, praise ticket or title; `linked_record` is the record that earned it."""
    _check_linked(user, linked_record)
    return record_create(Honour, user=user, **_link_fields(linked_record), **fields)


def honour_update(honour: Honour, *, user, expected_version=None, linked_record=..., **changes) -> Honour:
    if linked_record is not ...:
        _check_linked(user, linked_record)
        changes.update(_link_fields(linked_record))
    return record_update(honour, user=user, expected_version=expected_version, **changes)


def honour_delete(honour: Honour, *, user, expected_version=None) -> None:
    record_delete(honour, user=user, expected_version=expected_version)


# --- the lifecycle of a title with a validity (warning, downgrade, revocation, renewal) -------

LIFECYCLE_FIELDS = ("status", "status_since", "status_reason")
TITLE_CYCLE_YEARS = 2  # 青年文明号 is reviewed every two years


def _lifecycle_date(honour: Honour, on) -> datetime.date:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"status_since": _("The date cannot be in the future.")})
    if on < honour.occurred_on:
        raise ValidationError({"status_since": _("The date cannot be before the award date.")})
    return on


def _lifecycle_update(honour: Honour, *, user, status, on, reason, expected_version, **changes) -> Honour:
    if honour.kind != Honour.Kind.TITLE:
        raise ValidationError({"status": _("Only an honorary title can be warned, downgraded or revoked.")})
    if honour.status == Honour.Status.REVOKED:
        raise ValidationError({"status": _("A revoked title is final; record a new award instead.")})
    if status != Honour.Status.ACTIVE and not (reason or "").strip():
        raise ValidationError({"status_reason": _("Give the reason.")})
    return record_update(
        honour,
        user=user,
        expected_version=expected_version,
        workflow_fields=LIFECYCLE_FIELDS,
        action=AuditEntry.Action.TRANSITION,
        figures_only_lock=True,
        status=status,
        status_since=_lifecycle_date(honour, on),
        status_reason=(reason or "").strip(),
        **changes,
    )


def honour_warn(honour: Honour, *, user, reason: str, on=None, expected_version=None) -> Honour:
    """The issuer warned the holder of a title (a yellow card before downgrade or revocation)."""
    return _lifecycle_update(
        honour, user=user, status=Honour.Status.WARNED, on=on, reason=reason, expected_version=expected_version
    )


def honour_downgrade(honour: Honour, *, user, star_level: int, reason: str, on=None, expected_version=None) -> Honour:
    """The title keeps its name at fewer stars (e.g. 二星级 → 一星级)."""
    if honour.star_level is None or not isinstance(star_level, int) or not 1 <= star_level < honour.star_level:
        raise ValidationError({"star_level": _("A downgrade lowers the star level of a title that has one.")})
    return _lifecycle_update(
        honour,
        user=user,
        status=Honour.Status.DOWNGRADED,
        on=on,
        reason=reason,
        expected_version=expected_version,
        star_level=star_level,
    )


def honour_revoke(honour: Honour, *, user, reason: str, on=None, expected_version=None) -> Honour:
    """The title is withdrawn; it still counts as awarded on its award date (the honours metric)."""
    return _lifecycle_update(
        honour, user=user, status=Honour.Status.REVOKED, on=on, reason=reason, expected_version=expected_version
    )


def honour_renew(
    honour: Honour, *, user, valid_until=None, star_level=None, reason: str = "", on=None, expected_version=None
) -> Honour:
    """The title passed its review: in force again until `valid_until` (by default one more
    two-year cycle after the current validity)."""
    if valid_until is None:
        if honour.valid_until is None:
            raise ValidationError({"valid_until": _("Give the new end of the validity.")})
        valid_until = _add_years(honour.valid_until, TITLE_CYCLE_YEARS)
    if honour.valid_until is not None and valid_until <= honour.valid_until:
        raise ValidationError({"valid_until": _("A renewal extends the validity.")})
    changes = {"valid_until": valid_until}
    if star_level is not None:
        changes["star_level"] = star_level
    return _lifecycle_update(
        honour,
        user=user,
        status=Honour.Status.ACTIVE,
        on=on,
        reason=reason,
        expected_version=expected_version,
        **changes,
    )


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def target_set(*, user, branch: Branch, year: int, metric: str, value) -> Target:
    """Create or change the yearly target of a node and metric."""
    access = access_for(user)
    if not access.in_scope(branch):
        raise OutOfScope()
    if not access.can_set_targets(branch):
        raise PermissionDenied(_("Your role does not allow setting targets at %(branch)s.") % {"branch": branch})
    return audited_upsert(
        Target,
        user=user,
        branch=branch,
        lookup={"branch": branch, "year": year, "metric": metric},
        values={"value": value, "set_by": user},
    )


@transaction.atomic
def target_delete(target: Target, *, user) -> None:
    access = access_for(user)
    if not access.in_scope(target.branch):
        raise OutOfScope()
    if not access.can_set_targets(target.branch):
        raise PermissionDenied(_("Your role does not allow setting targets at %(branch)s.") % {"branch": target.branch})
    audit(
        user=user, action=AuditEntry.Action.DELETE, obj=target, branch=target.branch, changes=diff(snapshot(target), {})
    )
    target.delete()
