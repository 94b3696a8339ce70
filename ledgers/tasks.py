"""The ledger import as a Celery task: its dry run or its commit (ledgers/jobs.py does the work
and keeps the job row; this only carries it to a worker)."""

from background.celery import app
from ledgers import jobs

OUTAGE_RETRIES = 10  # a database restart or failover: tried again every OUTAGE_WAIT seconds
OUTAGE_WAIT = 3


@app.task(name="ledgers.run_import", bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import(self, job_id: int, commit: bool, language: str | None = None) -> None:
    """Delivered again if its worker dies; jobs.run then does what is left, once. When the
    database goes away during the run, nothing of it was written and the job is still to be
    done: the task is tried again a few seconds later (the last try records the failure)."""
    last = self.request.retries >= OUTAGE_RETRIES
    try:
        jobs.run(job_id, commit=commit, language=language, retry_outage=not last)
    except jobs.DatabaseUnavailable as outage:
        raise self.retry(countdown=OUTAGE_WAIT, max_retries=OUTAGE_RETRIES, exc=outage) from outage
