"""The last run of each periodic task (the nightly check of the roll-up store, ...), for the
administrators' page: when it ran, whether it passed, what it found."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    task = models.CharField(_("task"), max_length=100, unique=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # None while it runs, or when its worker died before it finished.
    ok = models.BooleanField(_("passed"), null=True)
    summary = models.TextField(_("result"), blank=True)
    # What the run counted, for /healthz (the nightly check: rows checked, rows differing).
    figures = models.JSONField(_("figures"), default=dict, blank=True)

    class Meta:
        verbose_name = _("background task run")
        verbose_name_plural = _("background task runs")
        ordering = ["task"]

    def __str__(self):
        return self.task


class DocumentBuild(models.Model):
    """A document built by a worker for one user (reports/builds.py): the highlights report's
    PDF or Word file, an evidence pack's zip, or a ledger export too large to stream inside a
    request (ledgers/export_builds.py). The page polls this row; the file waits under
    MEDIA_ROOT/builds/ until BUILD_KEEP_FOR has passed."""

    class Kind(models.TextChoices):
        HIGHLIGHTS_PDF = "highlights-pdf", _("highlights report (PDF)")
        HIGHLIGHTS_DOCX = "highlights-docx", _("highlights report (Word)")
        EVIDENCE_ZIP = "evidence-zip", _("evidence pack (zip)")
        LEDGER_XLSX = "ledger-xlsx", _("ledger export (Excel)")
        LEDGER_CSV = "ledger-csv", _("ledger export (CSV)")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        BUILDING = "building", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    RUNNING = (State.QUEUED, State.BUILDING)

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    # period (the highlights), scheme and year (the evidence pack), base_url (for the links);
    # slug, filters and file_name (a ledger export); language (all).
    params = models.JSONField(default=dict)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document build")
        verbose_name_plural = _("document builds")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} {self.branch_id} {self.state}"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING
