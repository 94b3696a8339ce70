"""An import of one uploaded ledger file: its dry run, then its commit, and their progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """The uploaded file stays server-side under `token` (bound to `user`) between the dry run
    and the commit; the page polls this row for progress while a run is going."""

    class State(models.TextChoices):
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("checked")
        COMMITTING = "committing", _("importing")
        COMMITTED = "committed", _("imported")
        FAILED = "failed", _("not imported")

    RUNNING = (State.CHECKING, State.COMMITTING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("record kind"), max_length=50)
    token = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.CHECKING)
    allow_duplicates = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    # Whether rows_done counts rows written (the commit's transaction) rather than rows checked.
    writing = models.BooleanField(default=False)
    # How many times a worker started this job's current run: a run whose worker died is
    # delivered again, up to ledgers.jobs.MAX_ATTEMPTS times.
    attempts = models.PositiveSmallIntegerField(default=0)
    good_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    # The first problems, each {"row", "column", "header", "message", "duplicate"}; capped.
    problems = models.JSONField(default=list, blank=True)
    # What the import read, skipped or converted (the sheet, title rows, totals, units): shown
    # with the dry run so the clerk sees how the file was understood.
    notes = models.JSONField(default=list, blank=True)
    # Why the file as a whole was refused (not an XLSX, encrypted, wrong headers, ...).
    file_error = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} {self.file_name} {self.state}"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING
