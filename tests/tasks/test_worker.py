"""Imports on a real Celery worker process and Redis: the worker is killed in the middle of a
10,000-row import (its pool process, as the OOM killer would; or the whole worker, as a lost
machine), and the job ends committed once, or failed with a message; never stalled, never
duplicated."""

import datetime
import time

import pytest
import redis
from django.db import close_old_connections
from django.utils import translation
from openpyxl import Workbook

from ledgers import jobs
from ledgers.models import ImportJob
from ledgers.specs import spec_for
from services.models import OutreachEvent
from tests.tasks.worker import BROKER_URL, VISIBILITY_TIMEOUT, Worker, new_queue, run_here, use_queue

pytestmark = pytest.mark.django_db(transaction=True)

S = ImportJob.State
ROWS = 10_000
DAY = datetime.date(2025, 8, 14)


@pytest.fixture
def queue(settings, tmp_path):
    settings.LEDGER_IMPORT_INLINE = False
    settings.LEDGER_UPLOAD_DIR = tmp_path / "uploads"
    name = new_queue()
    use_queue(name)
    yield name
    run_here()
    broker = redis.Redis.from_url(BROKER_URL)
    broker.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


@pytest.fixture
def worker(queue, tmp_path, settings):
    env = {"LEDGER_UPLOAD_DIR": str(settings.LEDGER_UPLOAD_DIR), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    w = Worker(tmp_path, queue, env)
    yield w.start()
    w.stop()


def write_ledger(path, count):
    spec = spec_for("outreach-events")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.sheet_title())
    with translation.override("zh-hans"):
        ws.append(spec.headers())
    for i in range(count):
        row = {
            "branch": "WH-QK-01",
            "occurred_on": DAY - datetime.timedelta(days=i % 300),
            "venue_type": "社区",
            "theme": "反诈",
            "attendees": 10 + i % 50,
            "place": f"社区{i}",
        }
        ws.append([row.get(c.name) for c in spec.columns])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory):
    return write_ledger(tmp_path_factory.mktemp("ledgers") / "big.xlsx", ROWS)


def job_now(job_id) -> ImportJob:
    close_old_connections()
    return ImportJob.objects.get(pk=job_id)


def wait_for(job_id, condition, seconds, worker):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = job_now(job_id)
        if condition(job):
            return job
        assert job.is_running, f"the job ended before that: {job.state} {job.file_error}\n{worker.log()[-4000:]}"
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds}s; job is {job_now(job_id).__dict__}\n{worker.log()[-4000:]}")


def writing(job: ImportJob) -> bool:
    """The commit's transaction is writing rows: PostgreSQL shows it in the row; on SQLite the
    row shows every row checked just before the writes begin."""
    return job.state == S.COMMITTING and (job.writing or (job.rows_total and job.rows_done == job.rows_total))


def checking(job: ImportJob) -> bool:
    return job.state == S.COMMITTING and 0 < job.rows_done < (job.rows_total or ROWS)


def assert_ended_once(job: ImportJob) -> None:
    count = OutreachEvent.objects.count()
    if job.state == S.COMMITTED:
        assert count == ROWS and job.created_count == ROWS
    else:
        assert job.state == S.FAILED and job.file_error and count == 0
    assert count == OutreachEvent.objects.values("place").distinct().count()


def test_a_dry_run_and_a_commit_on_the_worker(net, staff_qk, worker, tmp_path):
    path = write_ledger(tmp_path / "small.xlsx", 1)
    job = jobs.create_job_from_path(user=staff_qk, kind="outreach-events", path=path)
    jobs.start(job, commit=False)
    job = wait_for(job.pk, lambda j: not j.is_running, 60, worker)
    assert job.state == S.CHECKED, (job.file_error, job.problems, worker.log()[-3000:])
    assert jobs.claim(job, allow_duplicates=False)
    jobs.start(job, commit=True)
    job = wait_for(job.pk, lambda j: not j.is_running, 60, worker)
    assert job.state == S.COMMITTED and job.created_count == 1 and OutreachEvent.objects.count() == 1


@pytest.mark.parametrize("moment", [checking, writing], ids=["while-checking", "while-writing"])
def test_the_pool_process_killed_mid_import_runs_it_again_to_one_end(net, staff_qk, worker, big_ledger, moment):
    job = jobs.create_job_from_path(user=staff_qk, kind="outreach-events", path=big_ledger)
    jobs.start(job, commit=True)
    wait_for(job.pk, moment, 120, worker)
    worker.kill_child()
    interrupted = job_now(job.pk).is_running  # the process is dead: a finished run shows as ended
    job = wait_for(job.pk, lambda j: not j.is_running, 180, worker)
    assert_ended_once(job)
    assert job.state == S.COMMITTED, worker.log()[-3000:]
    if interrupted:  # (a slow test machine may see the end before the kill lands)
        assert job.attempts == 2 and "WorkerLostError" in worker.log()


def test_a_lost_worker_machine_leaves_the_import_to_the_next_worker(net, staff_qk, worker, big_ledger):
    job = jobs.create_job_from_path(user=staff_qk, kind="outreach-events", path=big_ledger)
    jobs.start(job, commit=True)
    wait_for(job.pk, writing, 120, worker)
    worker.kill()
    interrupted = job_now(job.pk).is_running
    if interrupted:
        assert OutreachEvent.objects.count() == 0  # the open transaction died with the worker
    worker.start()  # another machine's worker: it takes the message after the visibility timeout
    job = wait_for(job.pk, lambda j: not j.is_running, 180 + VISIBILITY_TIMEOUT, worker)
    assert_ended_once(job)
    assert job.state == S.COMMITTED and job.attempts == (2 if interrupted else 1)


def test_a_report_document_built_on_the_worker(net, staff_qk, worker):
    from background.models import DocumentBuild
    from reports import builds
    from services.services import outreach_event_create
    from tests.conftest import record_data

    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    build = builds.start(
        user=staff_qk, kind=DocumentBuild.Kind.HIGHLIGHTS_PDF, branch=net["WH-QK-01"], params={"period": "2025"}
    )
    deadline = time.monotonic() + 120
    while (build := DocumentBuild.objects.get(pk=build.pk)).is_running:
        assert time.monotonic() < deadline, worker.log()[-3000:]
        time.sleep(0.2)
    assert build.state == DocumentBuild.State.DONE, (build.error, worker.log()[-3000:])
    assert builds.file_of(build).read_bytes().startswith(b"%PDF") and build.size == builds.file_of(build).stat().st_size


def api_import(user, path, query):
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    _instance, token = AuthToken.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with open(path, "rb") as fh:
        return client.post("/api/v1/ledgers/outreach-events/import/" + query, {"file": fh}, format="multipart")


def test_the_api_import_without_background_runs_on_the_worker_and_answers_as_before(net, staff_qk, worker, tmp_path):
    """Backward compatible: 201 with the created rows, though a worker ran it (not the request)."""
    response = api_import(staff_qk, write_ledger(tmp_path / "three.xlsx", 3), "?dry_run=0")
    assert response.status_code == 201, (response.json(), worker.log()[-3000:])
    assert response.json()["created"] == 3 and OutreachEvent.objects.count() == 3
    assert "ledgers.run_import" in worker.log() and "succeeded" in worker.log()


def test_an_api_import_longer_than_the_wait_answers_202_and_ends_on_the_worker(
    net, staff_qk, worker, tmp_path, settings
):
    settings.LEDGER_API_WAIT = 0  # any import outlasts a wait of none: no race with a fast worker
    path = write_ledger(tmp_path / "bigger.xlsx", 2000)
    response = api_import(staff_qk, path, "?dry_run=0")
    assert response.status_code == 202 and response.json()["state"] in ("checking", "committing")
    token = response.json()["id"]
    assert response.json()["status_url"].endswith(f"/api/v1/ledgers/jobs/{token}/")
    job = wait_for(ImportJob.objects.get(token=token).pk, lambda j: not j.is_running, 180, worker)
    assert job.state == S.COMMITTED and OutreachEvent.objects.count() == 2000
