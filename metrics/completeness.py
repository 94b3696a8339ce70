"""Submission completeness: which children of a node have submitted a month, on time or late."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from metrics.models import Submission

ON_TIME, LATE, NIL_RETURN, RETURNED, MISSING = "on_time", "late", "nil_return", "returned", "missing"
STATUS_LABELS = {
    ON_TIME: _("submitted on time"),
    LATE: _("submitted late"),
    NIL_RETURN: _("nil return"),
    RETURNED: _("returned"),
    MISSING: _("missing"),
}


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
    def is_approved(self) -> bool:
        return bool(self.submission and self.submission.status == Submission.Status.APPROVED)


def status_of(sub: Submission | None) -> str:
    if sub is None or sub.status == Submission.Status.REOPENED:
        return MISSING
    if sub.status == Submission.Status.RETURNED:
        return RETURNED
    if sub.is_nil_return:
        return NIL_RETURN
    return LATE if sub.is_late else ON_TIME


def children_completeness(branch: Branch, months: list[datetime.date]) -> list[list[Cell]]:
    """One row per active child of `branch`, one cell per month: two queries in all."""
    children = list(Branch.objects.filter(parent=branch, is_active=True).order_by("code"))
    subs = {
        (s.branch_id, s.month): s
        for s in Submission.objects.filter(branch__in=children, month__in=months).select_related(
            "submitted_by", "decided_by"
        )
    }
    return [[Cell(c, m, status_of(subs.get((c.pk, m))), subs.get((c.pk, m))) for m in months] for c in children]


def completeness_rate(rows: list[list[Cell]]) -> tuple[int, int]:
    """(complete, expected) over all cells."""
    cells = [cell for row in rows for cell in row]
    return sum(1 for c in cells if c.is_complete), len(cells)
