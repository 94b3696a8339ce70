"""Submission completeness: which branches have submitted a month, on time or late, and which
months are still open (begun, not yet due) or not begun, so neither counts as missing."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from metrics.models import Submission, submission_due

ON_TIME, LATE, NIL_RETURN, RETURNED, MISSING = "on_time", "late", "nil_return", "returned", "missing"
OPEN, FUTURE = "open", "future"
STATUS_LABELS = {
    ON_TIME: _("submitted on time"),
    LATE: _("submitted late"),
    NIL_RETURN: _("nil return"),
    RETURNED: _("returned"),
    MISSING: _("missing"),
    OPEN: _("open, not yet due"),
    FUTURE: _("not begun"),
}
# The statuses a table of counts shows: a month not begun is no one's concern yet.
COUNTED_STATUSES = [s for s in STATUS_LABELS if s != FUTURE]
# How many branches a subtree grid lists at most (a head office opens a lower branch instead).
SUBTREE_ROWS = 400
# A subtree of more branches than a screen shows (about 3 KB of grid each) is listed by the
# node's direct children instead, each opening its own grid: what a page costs depends on
# what it shows, never on the size of the subtree (issue 19).
SCREEN_ROWS = 40


@dataclass(frozen=True)
class Cell:
    branch: Branch
    month: datetime.date
    status: str
    submission: Submission | None

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def is_complete(self) -> bool:
        return self.status in (ON_TIME, LATE, NIL_RETURN)

    @property
    def is_expected(self) -> bool:
        """Counts in the rate: its due date has passed, or it is in anyway."""
        return self.status not in (OPEN, FUTURE)

    @property
    def is_approved(self) -> bool:
        return bool(self.submission and self.submission.status == Submission.Status.APPROVED)


def status_of(sub: Submission | None, month: datetime.date | None = None, now=None) -> str:
    """The cell's status; without `month` a month with nothing in is missing, with it a month
    not yet due is open and a month not yet begun is future."""
    if sub is None or sub.status == Submission.Status.REOPENED:
        if month is not None:
            now = now or timezone.now()
            if month.replace(day=1) > timezone.localtime(now).date().replace(day=1):
                return FUTURE
            if now <= submission_due(month):
                return OPEN
        return MISSING
    if sub.status == Submission.Status.RETURNED:
        return RETURNED
    if sub.is_nil_return:
        return NIL_RETURN
    return LATE if sub.is_late else ON_TIME


def completeness_rows(branches: list[Branch], months: list[datetime.date]) -> list[list[Cell]]:
    """One row per branch given, one cell per month: one query."""
    now = timezone.now()
    subs = {
        (s.branch_id, s.month): s
        for s in Submission.objects.filter(branch__in=[b.pk for b in branches], month__in=months).select_related(
            "submitted_by", "decided_by"
        )
    }
    return [[Cell(b, m, status_of(subs.get((b.pk, m)), m, now), subs.get((b.pk, m))) for m in months] for b in branches]


def children_completeness(branch: Branch, months: list[datetime.date]) -> list[list[Cell]]:
    """One row per active child of `branch`, one cell per month: two queries in all."""
    children = list(Branch.objects.filter(parent=branch, is_active=True).order_by("code"))
    return completeness_rows(children, months)


def tree_order(branch: Branch, below: list[Branch]) -> list[Branch]:
    """`branch` (when it submits to a parent), then the given branches below it in tree order."""
    by_parent: dict[int, list[Branch]] = {}
    for b in below:
        by_parent.setdefault(b.parent_id, []).append(b)
    ordered: list[Branch] = [branch] if branch.parent_id else []

    def walk(node_id):
        for child in sorted(by_parent.get(node_id, []), key=lambda b: b.code):
            ordered.append(child)
            walk(child.pk)

    walk(branch.pk)
    return ordered


def screen_completeness(branch: Branch, months: list[datetime.date]) -> tuple[list[list[Cell]], bool, bool]:
    """The subtree's rows in tree order (the node's own first) when it
    fits a screen (SCREEN_ROWS branches below the node), else the node's own row and one per
    active direct child, up to SUBTREE_ROWS. Three queries whatever the size, each reading a
    bounded number of rows. Returns (rows, whole subtree, cut short)."""
    below = list(
        Branch.objects.filter(path__startswith=branch.path, is_active=True)
        .exclude(pk=branch.pk)
        .order_by()[: SCREEN_ROWS + 1]  # unordered: the scan stops at the first rows found
    )
    children = list(Branch.objects.filter(parent=branch, is_active=True).order_by("code")[: SUBTREE_ROWS + 1])
    if len(below) <= SCREEN_ROWS:
        return completeness_rows(tree_order(branch, below), months), True, False
    own = [branch] if branch.parent_id else []
    return completeness_rows(own + children[:SUBTREE_ROWS], months), False, len(children) > SUBTREE_ROWS


def completeness_rate(rows: list[list[Cell]]) -> tuple[int, int]:
    """(complete, expected) over all cells; months still open or not begun are not expected."""
    cells = [cell for row in rows for cell in row]
    return sum(1 for c in cells if c.is_complete), sum(1 for c in cells if c.is_expected)
