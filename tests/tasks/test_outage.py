"""The database goes away while a task runs (a PostgreSQL restart, a failover): the import or
the document is tried again a few seconds later and ends once, never stalled; a run whose
every try met the outage ends failed with a message."""

import pytest
from django.db import OperationalError, connection

from background.celery import app
from background.models import DocumentBuild
from ledgers import jobs
from ledgers.models import ImportJob
from ledgers.tasks import OUTAGE_RETRIES, run_import
from reports import builds
from reports.tasks import build_document
from services.models import OutreachEvent
from tests.tasks.test_worker import write_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _retries_run_here(monkeypatch):
    """In-process (eager) tasks run their retries at once, as a worker would after OUTAGE_WAIT."""
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def flaky(real, failures: int, error=OperationalError):
    """`real`, raising `error` (as a cut connection does) the first `failures` calls."""
    calls = {"n": 0}

    def call(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= failures:
            raise error("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    call.calls = calls
    return call


def test_an_import_cut_by_a_database_restart_is_tried_again_and_written_once(
    net, staff_qk, tmp_path, settings, monkeypatch
):
    settings.LEDGER_UPLOAD_DIR = tmp_path / "uploads"
    job = jobs.create_job_from_path(user=staff_qk, kind="outreach-events", path=write_ledger(tmp_path / "l.xlsx", 5))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.COMMITTING)
    # The driver's own error, as closing a server-side cursor on a dead connection raises it.
    monkeypatch.setattr(jobs, "import_ledger", flaky(jobs.import_ledger, 1, connection.Database.OperationalError))
    run_import.apply(args=[job.pk, True])
    job.refresh_from_db()
    assert job.state == ImportJob.State.COMMITTED and job.created_count == 5 and job.attempts == 2
    assert OutreachEvent.objects.count() == 5


def test_an_import_whose_every_try_meets_the_outage_fails_with_a_message(
    net, staff_qk, tmp_path, settings, monkeypatch
):
    settings.LEDGER_UPLOAD_DIR = tmp_path / "uploads"
    job = jobs.create_job_from_path(user=staff_qk, kind="outreach-events", path=write_ledger(tmp_path / "l.xlsx", 5))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.COMMITTING)
    monkeypatch.setattr(jobs, "import_ledger", flaky(jobs.import_ledger, 100))
    monkeypatch.setattr(jobs, "MAX_ATTEMPTS", 100)
    run_import.apply(args=[job.pk, True])
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.file_error and not job.is_running
    assert job.attempts == OUTAGE_RETRIES + 1 and OutreachEvent.objects.count() == 0


def test_a_document_cut_by_a_database_restart_is_built_on_the_next_try(net, staff_qk, monkeypatch):
    build = DocumentBuild.objects.create(
        token="outage", user=staff_qk, kind="highlights-pdf", branch=net["WH-QK-01"], params={"period": "2025"}
    )
    monkeypatch.setattr(builds, "_document", flaky(lambda build: b"%PDF-1.7 test", 2))
    build_document.apply(args=[build.pk])
    build.refresh_from_db()
    assert build.state == DocumentBuild.State.DONE and build.attempts == 3
    assert builds.file_of(build).read_bytes() == b"%PDF-1.7 test"
