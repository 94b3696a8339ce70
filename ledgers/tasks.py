"""The ledger import as a Celery task: its dry run or its commit (ledgers/jobs.py does the work
and keeps the job row; this only carries it to a worker)."""

from background.celery import app
from ledgers import jobs


@app.task(name="ledgers.run_import", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import(job_id: int, commit: bool, language: str | None = None) -> None:
    """Delivered again if its worker dies; jobs.run then does what is left, once."""
    jobs.run(job_id, commit=commit, language=language)
