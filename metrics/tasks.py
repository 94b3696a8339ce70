"""The roll-up store's rebuild as a Celery task; with verify=True it is the nightly check
(CELERY_BEAT_SCHEDULE) whose last result the administrators' page shows (background.TaskRun)."""

from django.utils.translation import gettext as _
from django.utils.translation import override

from background.celery import app
from background.runs import recorded
from metrics.rebuild import rebuild

REBUILD = "metrics.rebuild"
VERIFY = "metrics.verify"


@app.task(name="metrics.rebuild_metrics", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def rebuild_metrics(verify: bool = False) -> dict:
    """Idempotent: a rebuild replaces only the store rows that differ from the records, so a run
    delivered again after its worker died finds nothing, or what is left, to replace."""
    with override("zh-hans"), recorded(VERIFY if verify else REBUILD) as run:
        report = rebuild()
        differences = report["differences"]
        run.ok = not (verify and differences)
        run.figures = {"rows": report["rows"], "differences": differences}
        if differences:
            run.summary = _(
                "%(n)s rows of the roll-up store differed from the records and were rebuilt; for example: %(examples)s"
            ) % {"n": differences, "examples": "; ".join(report["examples"][:3])}
        else:
            run.summary = _("The %(rows)s rows of the roll-up store equal the records.") % {"rows": report["rows"]}
        return {"differences": differences, "rows": report["rows"]}
