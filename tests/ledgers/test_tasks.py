"""The import as a Celery task, run in this process (tests/tasks runs a real worker): a task
delivered again (its worker died, the broker's visibility timeout passed) writes the rows once;
a job interrupted too often, or whose task could not be queued, fails with a clear message;
the job row shows the progress of the commit's writes."""

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections

from ledgers import jobs
from ledgers.models import ImportJob
from ledgers.tasks import run_import
from services.models import OutreachEvent
from tests.ledgers.conftest import DAY, outreach
from tests.ledgers.test_views import upload

pytestmark = pytest.mark.django_db

S = ImportJob.State


def rows(n):
    return [outreach(place=f"社区{i}", occurred_on=DAY) for i in range(n)]


def new_job(user, ledger, n=3, state=S.CHECKING) -> ImportJob:
    job = jobs.create_job_from_path(user=user, kind="outreach-events", path=ledger("outreach-events", rows(n)))
    ImportJob.objects.filter(pk=job.pk).update(state=state)
    job.refresh_from_db()
    return job


def test_a_commit_delivered_again_after_it_finished_writes_nothing_more(net, staff_qk, ledger):
    job = new_job(staff_qk, ledger)
    jobs.start(job, commit=True, background=True)  # queued: the task runs at once here
    job.refresh_from_db()
    assert job.state == S.COMMITTED and job.created_count == 3 and job.attempts == 1
    run_import.delay(job.pk, True, "en")
    run_import.delay(job.pk, True, "en")
    job.refresh_from_db()
    assert OutreachEvent.objects.count() == 3
    assert job.state == S.COMMITTED and job.created_count == 3 and job.attempts == 1


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("commit", [True, False])
def test_a_run_starts_only_from_the_state_it_expects(net, staff_qk, ledger, state, commit):
    """Every state of the job against both kinds of run: a commit writes only a committing job,
    a dry run checks only a checking one; any other delivery leaves the job as it was."""
    job = new_job(staff_qk, ledger, state=state)
    run_import.delay(job.pk, commit, "en")
    after = ImportJob.objects.get(pk=job.pk)
    expected = S.COMMITTING if commit else S.CHECKING
    if state == expected:
        assert after.state == (S.COMMITTED if commit else S.CHECKED) and after.attempts == 1
    else:
        assert after.state == state and after.attempts == 0
    assert OutreachEvent.objects.count() == (3 if commit and state == expected else 0)


def test_a_run_that_finds_the_job_committed_inside_its_transaction_writes_nothing(net, staff_qk, ledger, monkeypatch):
    """Two deliveries of one commit at once: the second checks its rows while the first writes;
    under the job's lock it finds the job committed and writes nothing, nor touches the row."""
    job = new_job(staff_qk, ledger, state=S.COMMITTING)
    call = jobs.Progress.__call__

    def other_run_commits_meanwhile(self, done, total, writing):
        call(self, done, total, writing)
        if done == total and not writing:  # this run has checked its rows, not begun to write
            ImportJob.objects.filter(pk=self.job_id).update(state=S.COMMITTED, created_count=3)

    monkeypatch.setattr(jobs.Progress, "__call__", other_run_commits_meanwhile)
    run_import.delay(job.pk, True, "en")
    job.refresh_from_db()
    assert OutreachEvent.objects.count() == 0  # the other run's rows are not in this test
    assert job.state == S.COMMITTED and job.created_count == 3 and job.file_error == ""


def test_a_job_interrupted_too_often_fails_clearly_and_frees_its_slot(net, staff_qk, ledger):
    job = new_job(staff_qk, ledger, state=S.COMMITTING)
    ImportJob.objects.filter(pk=job.pk).update(attempts=jobs.MAX_ATTEMPTS)
    run_import.delay(job.pk, True, "zh-hans")
    job.refresh_from_db()
    assert job.state == S.FAILED and "中断" in job.file_error
    assert OutreachEvent.objects.count() == 0 and not jobs.file_of(job).exists()
    assert not jobs.slots.running().filter(pk=job.pk).exists()


def test_a_task_that_cannot_be_queued_fails_the_job_with_a_message(
    client, net, staff_qk, ledger, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.LEDGER_IMPORT_INLINE = False

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_import, "delay", unreachable)
    client.force_login(staff_qk)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, ledger("outreach-events", rows(2)))
    page = client.get(response["Location"])
    job = ImportJob.objects.get()
    assert job.state == S.FAILED and "任务队列无法连接" in job.file_error
    assert page.status_code == 200 and job.file_error in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_job_row_shows_the_rows_written_while_the_commit_is_open(net, staff_qk, ledger, monkeypatch):
    """Another connection (another web process) reads the row while the commit's transaction is
    open: on PostgreSQL it sees the rows written so far; SQLite lets one writer at a time, so
    there the progress of the writes is in the cache only and the row shows the rows checked."""
    monkeypatch.setattr("ledgers.importing.CHUNK_ROWS", 50)
    job = new_job(staff_qk, ledger, n=200, state=S.COMMITTING)
    seen = []
    call = jobs.Progress.__call__

    def read_elsewhere(job_id):
        if connection.vendor == "sqlite":  # a reader would wait for SQLite's only writer
            live = jobs.live(ImportJob(pk=job_id))
            return live["done"], live["writing"]
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT rows_done, writing FROM ledgers_importjob WHERE id = %s", [job_id])
                return cursor.fetchone()
        finally:
            other.close()

    def watch(self, done, total, writing):
        call(self, done, total, writing)
        if writing:
            seen.append(read_elsewhere(self.job_id))

    monkeypatch.setattr(jobs.Progress, "__call__", watch)
    run_import.delay(job.pk, True, "en")
    assert [done for done, _ in seen] == [50, 100, 150, 200]
    assert all(writing for _, writing in seen)
    job.refresh_from_db()
    assert job.state == S.COMMITTED and job.rows_done == 200 and not job.writing
