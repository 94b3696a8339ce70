"""Report documents as Celery tasks (reports/builds.py does the work and keeps the row)."""

from background.celery import app
from reports import builds

OUTAGE_RETRIES = 10  # a database restart or failover: tried again every OUTAGE_WAIT seconds
OUTAGE_WAIT = 3


@app.task(name="reports.build_document", bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_document(self, build_id: int) -> None:
    last = self.request.retries >= OUTAGE_RETRIES
    try:
        builds.run(build_id, retry_outage=not last)
    except builds.DatabaseUnavailable as outage:
        raise self.retry(countdown=OUTAGE_WAIT, max_retries=OUTAGE_RETRIES, exc=outage) from outage
