"""The roll-up store and the monthly submissions that lock a branch-month."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.scoping import ScopedQuerySet
from core.freshness import earliest_year

MONTH_FIELDS = tuple(f"m{i}" for i in range(1, 13))
QUARTER_FIELDS = tuple(f"q{i}" for i in range(1, 5))


class MetricValue(models.Model):
    """Total of one metric and split for one node's subtree and one month.

    `value` is an exact integer: the metric's value times 10**decimals (fen for yuan).
    Rows exist for the node a record is attached to and for every ancestor, so a roll-up is
    a lookup, never a walk of the tree or a scan of the record tables. For `last` metrics
    (stocks) a row holds the month's change; the level at a month's end is the running sum.

    The unique index leads with (branch, metric, split) so that every selector query is a
    handful of short index ranges (it also serves lookups by branch: no index of its own). The
    store is derived data (rebuild_metrics verifies it), so its branch key carries no database
    constraint: checking one per row would double the cost of bulk imports and rebuilds.
    """

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField()
    metric = models.CharField(max_length=50)
    split = models.CharField(max_length=100, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "metric", "split", "month"], name="metricvalue_unique")
        ]

    def __str__(self):
        return f"{self.branch_id} {self.month:%Y-%m} {self.metric} {self.split} = {self.value}"


class DistinctMember(models.Model):
    """An entity counted by a distinct metric (an enterprise for financing_enterprises) in one
    node's subtree, split and year: m1..m12 count the records naming it in each month.

    One row per member and year (not per month) keeps the table small; whether the member
    counts in a month, quarter or the year is read off the month counters. The precomputed
    counts in DistinctCount change exactly when a counter crosses zero.
    """

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    metric = models.CharField(max_length=50)
    split = models.CharField(max_length=100, blank=True, default="")
    year = models.PositiveSmallIntegerField()
    member = models.CharField(max_length=250)
    m1 = models.IntegerField(default=0)
    m2 = models.IntegerField(default=0)
    m3 = models.IntegerField(default=0)
    m4 = models.IntegerField(default=0)
    m5 = models.IntegerField(default=0)
    m6 = models.IntegerField(default=0)
    m7 = models.IntegerField(default=0)
    m8 = models.IntegerField(default=0)
    m9 = models.IntegerField(default=0)
    m10 = models.IntegerField(default=0)
    m11 = models.IntegerField(default=0)
    m12 = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "metric", "split", "year", "member"], name="distinctmember_unique"
            )
        ]

    def __str__(self):
        return f"{self.branch_id} {self.year} {self.metric} {self.split} {self.member}"


class DistinctCount(models.Model):
    """How many distinct members one node's subtree has in each month (m1..m12), quarter
    (q1..q4) and the whole year: a distinct count over a calendar period is one lookup."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    metric = models.CharField(max_length=50)
    split = models.CharField(max_length=100, blank=True, default="")
    year = models.PositiveSmallIntegerField()
    m1 = models.IntegerField(default=0)
    m2 = models.IntegerField(default=0)
    m3 = models.IntegerField(default=0)
    m4 = models.IntegerField(default=0)
    m5 = models.IntegerField(default=0)
    m6 = models.IntegerField(default=0)
    m7 = models.IntegerField(default=0)
    m8 = models.IntegerField(default=0)
    m9 = models.IntegerField(default=0)
    m10 = models.IntegerField(default=0)
    m11 = models.IntegerField(default=0)
    m12 = models.IntegerField(default=0)
    q1 = models.IntegerField(default=0)
    q2 = models.IntegerField(default=0)
    q3 = models.IntegerField(default=0)
    q4 = models.IntegerField(default=0)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "metric", "split", "year"], name="distinctcount_unique")
        ]

    def __str__(self):
        return f"{self.branch_id} {self.year} {self.metric} {self.split} = {self.total}"


class SubmissionQuerySet(ScopedQuerySet):
    def approved(self):
        return self.filter(status=Submission.Status.APPROVED)


class Submission(models.Model):
    """A branch's monthly submission. Approval locks the branch-month against edits."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        REOPENED = "reopened", _("reopened")

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="submissions", verbose_name=_("branch")
    )
    month = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    is_nil_return = models.BooleanField(_("nil return"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly submission")
        verbose_name_plural = _("monthly submissions")
        ordering = ["-month", "branch__path"]
        constraints = [models.UniqueConstraint(fields=["branch", "month"], name="submission_unique")]

    def __str__(self):
        return f"{self.branch} {self.month:%Y-%m} {self.get_status_display()}"

    def figures_since(self, changes: dict) -> int | None:
        """The first year whose pages a write of this submission changes (core.freshness): its
        month's, which the dashboards' completeness shows."""
        return earliest_year(self.month, changes.get("month"))

    @property
    def due_at(self) -> datetime.datetime:
        return submission_due(self.month)

    @property
    def is_late(self) -> bool:
        return bool(self.submitted_at and self.submitted_at > self.due_at)

    @property
    def is_complete(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)


def submission_due(month: datetime.date) -> datetime.datetime:
    """A month is due by the end of the SUBMISSION_DUE_DAY-th day of the next month."""
    from django.utils import timezone

    next_month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    due_day = next_month.replace(day=getattr(settings, "SUBMISSION_DUE_DAY", 10))
    return timezone.make_aware(datetime.datetime.combine(due_day, datetime.time(23, 59, 59)))
