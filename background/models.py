"""The last run of each periodic task (the nightly check of the roll-up store, ...), for the
administrators' page: when it ran, whether it passed, what it found."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    task = models.CharField(_("task"), max_length=100, unique=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # None while it runs, or when its worker died before it finished.
    ok = models.BooleanField(_("passed"), null=True)
    summary = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("background task run")
        verbose_name_plural = _("background task runs")
        ordering = ["task"]

    def __str__(self):
        return self.task
