"""What a user may see and do, computed once per request from their role assignments.

Metrics clients (issue 15) read aggregates only: the metric values, the branch tree, targets
and the monthly submissions' status, through the API. Never a record, a photo, a ledger export
or a page of the portal that shows records. Views open to them say so with
`open_to_metrics_clients`; every other view refuses them (403), so a new view is closed to
them until someone decides otherwise. A user who also holds another role reads as that role.
"""

from functools import cached_property

from branches.models import Branch, Membership, Role

OPEN_TO_METRICS_CLIENTS = "open_to_metrics_clients"

WRITERS = {Role.OUTLET_STAFF, Role.BRANCH_MANAGER, Role.ADMIN}
SUBMITTERS = {Role.BRANCH_MANAGER, Role.ADMIN}
APPROVERS = {Role.BRANCH_MANAGER, Role.ANALYST, Role.ADMIN}
TARGET_SETTERS = {Role.BRANCH_MANAGER, Role.ANALYST, Role.ADMIN}


class Access:
    def __init__(self, user):
        self.user = user
        self.active = bool(user is not None and user.is_authenticated and user.is_active)
        self.sees_everything = self.active and user.is_superuser

    @cached_property
    def memberships(self) -> list[Membership]:
        if not self.active:
            return []
        return list(
            Membership.objects.filter(user=self.user, branch__is_active=True)
            .select_related("branch")
            .order_by("branch__path")
        )

    @cached_property
    def paths(self) -> list[str]:
        """The roots of the user's scope, nested ones dropped."""
        roots: list[str] = []
        for path in sorted({m.branch.path for m in self.memberships}):
            if not any(path.startswith(r) for r in roots):
                roots.append(path)
        return roots

    @cached_property
    def roots(self) -> list[Branch]:
        by_path = {m.branch.path: m.branch for m in self.memberships}
        return [by_path[p] for p in self.paths]

    @property
    def home_branch(self) -> Branch | None:
        """The node a user works at: their deepest assignment (an outlet before its sub-branch)."""
        if not self.memberships:
            return None
        return max(self.memberships, key=lambda m: (m.branch.depth, -m.branch.pk)).branch

    def roles_at(self, branch: Branch) -> set[str]:
        if self.sees_everything:
            return set(Role.values)
        return {m.role for m in self.memberships if branch.path.startswith(m.branch.path)}

    def in_scope(self, branch: Branch) -> bool:
        return self.sees_everything or any(branch.path.startswith(p) for p in self.paths)

    def can_write_records(self, branch: Branch) -> bool:
        return bool(self.roles_at(branch) & WRITERS)

    def can_submit(self, branch: Branch) -> bool:
        return bool(self.roles_at(branch) & SUBMITTERS)

    def can_approve(self, branch: Branch) -> bool:
        """Approval belongs to a parent: a role strictly above the submitting node."""
        if self.sees_everything:
            return True
        return any(
            m.role in APPROVERS and branch.path.startswith(m.branch.path) and branch.path != m.branch.path
            for m in self.memberships
        )

    def can_set_targets(self, branch: Branch) -> bool:
        return bool(self.roles_at(branch) & TARGET_SETTERS)

    def is_metrics_client_only(self) -> bool:
        return bool(self.memberships) and all(m.role == Role.METRICS_CLIENT for m in self.memberships)

    @property
    def reads_records(self) -> bool:
        return self.sees_everything or not self.is_metrics_client_only()

    def may_open(self, view) -> bool:
        """Whether the user may use the view at all: metrics clients only the views open to them."""
        return self.reads_records or is_open_to_metrics_clients(view)


def open_to_metrics_clients(view):
    """Mark a view (function or class) as showing metrics clients nothing but aggregates."""
    setattr(view, OPEN_TO_METRICS_CLIENTS, True)
    return view


def is_open_to_metrics_clients(view) -> bool:
    """A view function, its class (class-based and REST framework views), or a view instance."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        if getattr(candidate, OPEN_TO_METRICS_CLIENTS, False):
            return True
    return False


def access_for(user) -> Access:
    """The user's Access, cached on the user object for the rest of the request."""
    if user is None:
        return Access(None)
    cached = getattr(user, "_portal_access", None)
    if cached is None:
        cached = Access(user)
        user._portal_access = cached
    return cached
