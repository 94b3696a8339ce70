"""Recording a periodic task's last run in TaskRun (background/models.py)."""

import contextlib
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from background.models import TaskRun

log = logging.getLogger(__name__)


class Run:
    def __init__(self):
        self.ok: bool | None = True
        self.summary = ""
        self.figures: dict = {}


@contextlib.contextmanager
def recorded(task: str):
    """The body sets run.ok and run.summary; an exception records a failed run and propagates."""
    run = Run()
    TaskRun.objects.update_or_create(
        task=task,
        defaults={"started_at": timezone.now(), "finished_at": None, "ok": None, "summary": "", "figures": {}},
    )
    try:
        yield run
    except Exception as exc:
        log.exception("background task %s failed", task)
        run.ok, run.summary = False, _("Stopped by an error: %(error)s") % {"error": exc.__class__.__name__}
        raise
    finally:
        TaskRun.objects.filter(task=task).update(
            finished_at=timezone.now(), ok=run.ok, summary=run.summary, figures=run.figures
        )
