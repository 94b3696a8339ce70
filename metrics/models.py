"""The roll-up store and the monthly submissions that lock a branch-month."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import ScopedQuerySet


class MetricValue(models.Model):
    """Total of one metric and split for one node's subtree and one month.

    `value` is an exact integer: the metric's value times 10**decimals (fen for yuan).
    Rows exist for the node a record is attached to and for every ancestor, so a roll-up is
    a lookup, never a walk of the tree or a scan of the record tables. For `last` metrics
    (stocks) a row holds the month's change; the level at a month's end is the running sum.
    """

    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    metric = models.CharField(max_length=50)
    split = models.CharField(max_length=100, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "month", "metric", "split"], name="metricvalue_unique")
        ]
        indexes = [models.Index(fields=["metric", "split", "month"], name="metricvalue_metric_month")]

    def __str__(self):
        return f"{self.branch_id} {self.month:%Y-%m} {self.metric} {self.split} = {self.value}"


class DistinctMember(models.Model):
    """An entity counted by a distinct metric (an enterprise for financing_enterprises):
    `refs` records of this node's subtree, month and split name it. Distinct counts over any
    period are COUNT(DISTINCT member) over these rows, never over the record tables."""

    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    metric = models.CharField(max_length=50)
    split = models.CharField(max_length=100, blank=True, default="")
    member = models.CharField(max_length=250)
    refs = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "month", "metric", "split", "member"], name="distinctmember_unique"
            )
        ]

    def __str__(self):
        return f"{self.branch_id} {self.month:%Y-%m} {self.metric} {self.split} {self.member} ×{self.refs}"


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
