"""Writes of the branch tree, staff, role assignments, honours and targets."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from audit.history import audit, audited_upsert, diff, snapshot
from audit.models import AuditEntry
from branches.access import access_for
from branches.models import Branch, Membership, Staff, Target, path_segment
from core.errors import OutOfScope
from core.tree import subtree_moved

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
        subtree_moved()  # the roll-up store sums along the old paths: it is rebuilt
    return current


@transaction.atomic
def staff_create(*, user, branch: Branch, name: str, portal_user=None, **fields) -> Staff:
    """A staff member at `branch`, written by `user`; `portal_user` is the staff member's own
    login (Staff.user), if any."""
    access = access_for(user)
    if not access.in_scope(branch):
        raise OutOfScope()
    if not access.can_write_records(branch):
        raise PermissionDenied(_("Your role does not allow managing staff at %(branch)s.") % {"branch": branch})
    staff = Staff(branch=branch, name=name, user=portal_user, **fields)
    staff.full_clean()
    staff.save()
    audit(user=user, action=AuditEntry.Action.CREATE, obj=staff, branch=branch, changes=diff({}, snapshot(staff)))
    return staff


@transaction.atomic
def staff_update(staff: Staff, *, user, **changes) -> Staff:
    """`changes` name Staff fields; the staff member's own login (Staff.user) is `portal_user`."""
    if "portal_user" in changes:
        changes["user"] = changes.pop("portal_user")
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
