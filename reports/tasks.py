"""Report documents as Celery tasks (reports/builds.py does the work and keeps the row)."""

from background.celery import app
from reports import builds


@app.task(name="reports.build_document", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_document(build_id: int) -> None:
    builds.run(build_id)
