"""The daily reminders, scheduled by celery beat (CELERY_BEAT_SCHEDULE)."""

from background.celery import app
from background.runs import recorded
from reminders.services import notify_due


@app.task(name="reminders.send_reminders", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_reminders() -> int:
    """Idempotent: a run delivered again adds no notification a user already has."""
    with recorded("reminders.send") as run:
        added = notify_due()
        run.summary = f"{added}"
        return added
