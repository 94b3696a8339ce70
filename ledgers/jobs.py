"""Import jobs: the uploaded file kept server-side under a token bound to the user, the dry
run and the commit run as a Celery task (ledgers/tasks.py), and their progress for the page to
poll.

The job row is the truth any web process reads: its state, and its progress at every chunk
(rows checked; while a commit writes, rows written, through a second connection on PostgreSQL,
since the commit's own transaction is invisible until it ends). A run is started only from the
state it expects and a commit writes only if, inside its transaction and under the job's lock,
the job is still to be committed, so a task delivered twice (its worker died, or the broker's
visibility timeout passed) writes its rows once.
"""

import logging
import secrets
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from background.outage import database_gone
from core.free_text import safe_file_name
from ledgers import slots
from ledgers.importing import import_ledger
from ledgers.models import ImportJob
from ledgers.specs import spec_for

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(hours=24)  # an uploaded file waits this long for its commit
STALLED_AFTER = slots.STALLED_AFTER  # a run without progress this long died with its process
MAX_ATTEMPTS = 3  # a run whose worker died this often (a file that kills it?) fails
JOB_LOCK_KEY = 0x1ED6E6  # pg_advisory_xact_lock(key, job) around a commit's check and write


def upload_dir() -> Path:
    path = Path(getattr(settings, "LEDGER_UPLOAD_DIR", Path(tempfile.gettempdir()) / "portal-ledger-uploads"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def file_of(job: ImportJob) -> Path:
    return upload_dir() / f"{job.token}.xlsx"


def create_job(*, user, kind: str, uploaded) -> ImportJob:
    """Keep the uploaded file under a fresh token; the job starts in the checking state, which
    takes one of the import slots (ledgers/slots.py: ImportsBusy when there is none)."""
    sweep()
    job = ImportJob(
        user=user,
        kind=kind,
        token=secrets.token_urlsafe(24),
        file_name=safe_file_name(Path(uploaded.name or "").name)[:255],  # names may carry an ID or phone number
        file_size=uploaded.size or 0,
    )
    with open(file_of(job), "wb") as out:
        for piece in uploaded.chunks():
            out.write(piece)
    return _enter(job)


def create_job_from_path(*, user, kind: str, path, name: str = "") -> ImportJob:
    job = ImportJob(
        user=user, kind=kind, token=secrets.token_urlsafe(24), file_name=safe_file_name(name or Path(path).name)[:255]
    )
    shutil.copyfile(path, file_of(job))
    job.file_size = file_of(job).stat().st_size
    return _enter(job)


def _enter(job: ImportJob) -> ImportJob:
    try:
        slots.take(job.user, job.save)
    except slots.ImportsBusy:
        file_of(job).unlink(missing_ok=True)
        raise
    return job


def start(job: ImportJob, *, commit: bool, background: bool = True) -> None:
    """Run the dry run (commit=False) or the commit of the job's file: as a Celery task once the
    caller's transaction has committed, or here when LEDGER_IMPORT_INLINE is set (tests) or the
    caller waits for the answer. A commit of a job not checked yet (the API's one-step import)
    moves it to committing first."""
    S = ImportJob.State
    if commit:
        ImportJob.objects.filter(pk=job.pk, state=S.CHECKING).update(
            state=S.COMMITTING, attempts=0, updated_at=timezone.now()
        )
    language = translation.get_language()
    if not background or getattr(settings, "LEDGER_IMPORT_INLINE", False):
        run(job.pk, commit=commit, language=language)
        return
    transaction.on_commit(lambda: _queue(job.pk, commit, language))


def wait(job: ImportJob, seconds: float, every: float = 0.25) -> ImportJob:
    """The job once it has ended, or as it is after `seconds` (the API's import without
    ?background=1 waits for a worker's answer this long, then answers 202: ledgers/api)."""
    deadline = time.monotonic() + seconds
    while True:
        job.refresh_from_db()
        if not job.is_running or time.monotonic() >= deadline:
            return job
        time.sleep(every)


def _queue(job_id: int, commit: bool, language: str | None) -> None:
    from ledgers.tasks import run_import

    try:
        run_import.delay(job_id, commit, language)
    except Exception:  # the broker is unreachable: say so rather than wait for ever
        log.exception("ledger import %s could not be queued", job_id)
        ImportJob.objects.filter(pk=job_id, state__in=ImportJob.RUNNING).update(
            state=ImportJob.State.FAILED,
            file_error=_("The import could not be started (the task queue is unreachable); nothing was written."),
            updated_at=timezone.now(),
        )


def _progress_key(job_id: int) -> str:
    return f"ledgers:import:{job_id}"


class DatabaseUnavailable(Exception):
    """The database went away during a run (a restart, a failover): nothing of the run is
    written (a commit's transaction rolled back) and the job is still in the state the run
    expects, so the task runs it again once the database is back (ledgers/tasks.py)."""


def run(
    job_id: int,
    *,
    commit: bool,
    language: str | None = None,
    own_connection: bool = False,
    retry_outage: bool = False,
) -> None:
    try:
        with translation.override(language):
            _run(job_id, commit)
    except Exception as error:  # a bug must not leave the job "running" forever
        if retry_outage and database_gone(error):
            raise DatabaseUnavailable() from error
        if not _failed(job_id) and retry_outage:
            raise DatabaseUnavailable() from error  # its failure could not be recorded either
    finally:
        if own_connection:
            close_old_connections()
            connection.close()


def _failed(job_id: int) -> bool:
    """Record the failure; False when the database cannot be written either."""
    log.exception("ledger import %s failed", job_id)
    try:
        ImportJob.objects.filter(pk=job_id, state__in=ImportJob.RUNNING).update(
            state=ImportJob.State.FAILED,
            file_error=_("The import stopped because of an internal error; nothing was written."),
        )
    except Exception as error:
        if not database_gone(error):
            raise
        log.exception("ledger import %s: its failure could not be recorded", job_id)
        return False
    return True


class AlreadyDone(Exception):
    """Another run of the job has written it, or the job is no longer to be written."""


class CommitGuard:
    """Told by the importer inside the commit's transaction (ledgers/importing.py)."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def enter(self) -> None:
        """Under the job's lock (PostgreSQL: an advisory lock; SQLite: the IMMEDIATE write
        transaction already holds the only write lock), the job must still be committing."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [JOB_LOCK_KEY, self.job_id % 2**31])
        state = ImportJob.objects.filter(pk=self.job_id).values_list("state", flat=True).first()
        if state != ImportJob.State.COMMITTING:
            raise AlreadyDone

    def leave(self, outcome) -> None:
        """The job is committed in the transaction that writes its rows: both or neither."""
        ImportJob.objects.filter(pk=self.job_id).update(
            state=ImportJob.State.COMMITTED,
            created_count=outcome.created,
            rows_done=outcome.created,
            writing=False,
            updated_at=timezone.now(),
        )


class Progress:
    """Rows done for the job row (and the cache, for pages that read it). While the commit's
    transaction is open its own writes are invisible: on PostgreSQL a second connection in
    autocommit writes the progress; on SQLite, whose writer holds the only write lock, only the
    cache has it."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.side = None

    def __call__(self, done: int, total: int, writing: bool) -> None:
        cache.set(_progress_key(self.job_id), {"done": done, "total": total, "writing": writing}, 3600)
        now = timezone.now()
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(
                rows_done=done, rows_total=total, writing=writing, updated_at=now
            )
        elif writing and connection.vendor == "postgresql":
            try:
                if self.side is None:
                    self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    cursor.execute(
                        "UPDATE ledgers_importjob SET rows_done = %s, rows_total = %s, writing = true,"
                        " updated_at = %s WHERE id = %s",
                        [done, total, now, self.job_id],
                    )
            except Exception:  # progress is a courtesy: it never stops the import
                log.warning("progress of ledger import %s not written", self.job_id, exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _run(job_id: int, commit: bool) -> None:
    S = ImportJob.State
    expected = S.COMMITTING if commit else S.CHECKING
    # Only a job in the state this run expects runs: a task delivered again after the job ended
    # (or was called stalled) does nothing.
    started = ImportJob.objects.filter(pk=job_id, state=expected).update(
        attempts=F("attempts") + 1, rows_done=0, writing=False, updated_at=timezone.now()
    )
    if not started:
        log.info("ledger import %s is no longer %s: nothing to do", job_id, expected)
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    path = file_of(job)
    if job.attempts > MAX_ATTEMPTS:
        job.state = S.FAILED
        job.file_error = _(
            "The import was interrupted %(n)s times; nothing was written. Split the file or try again later."
        ) % {"n": MAX_ATTEMPTS}
    elif not path.exists():
        job.state, job.file_error = S.FAILED, _("The uploaded file has expired; upload it again.")
    else:
        progress = Progress(job_id)
        try:
            outcome = import_ledger(
                spec_for(job.kind),
                path,
                job.user,
                commit=commit,
                allow_duplicates=job.allow_duplicates,
                progress=progress,
                source=_("Ledger file %(name)s") % {"name": job.file_name},
                guard=CommitGuard(job_id) if commit else None,
            )
        except AlreadyDone:
            log.info("ledger import %s was committed by another run: nothing written", job_id)
            return
        finally:
            progress.close()
        job.problems, job.problem_count, job.duplicate_count = (
            outcome.problems,
            outcome.problem_count,
            outcome.duplicate_count,
        )
        job.file_error, job.seconds = outcome.file_error, outcome.seconds
        job.notes = outcome.notes
        job.rows_total, job.rows_done, job.good_rows = outcome.rows, outcome.rows, outcome.good_rows
        job.created_count = outcome.created
        if outcome.file_error:
            job.state = S.FAILED
        elif commit:
            job.state = S.COMMITTED if outcome.committed else S.FAILED
        else:
            job.state = S.CHECKED
    job.writing = False
    job.save()
    cache.delete(_progress_key(job_id))
    if job.state in (S.COMMITTED, S.FAILED):
        path.unlink(missing_ok=True)


def live(job: ImportJob) -> dict:
    """Rows done and total for the progress bar, and whether rows are being written."""
    state = cache.get(_progress_key(job.pk)) or {}
    total = state.get("total") or job.rows_total or 0
    return {"done": state.get("done", job.rows_done), "total": total, "writing": state.get("writing", job.writing)}


def mark_if_stalled(job: ImportJob) -> ImportJob:
    """A run whose process died (a restart) would poll for ever: call it failed."""
    if job.is_running and timezone.now() - job.updated_at > STALLED_AFTER and not cache.get(_progress_key(job.pk)):
        job.state = ImportJob.State.FAILED
        job.file_error = _("The import was interrupted; nothing was written. Upload the file again.")
        job.save(update_fields=["state", "file_error", "updated_at"])
    return job


def claim(job: ImportJob, *, allow_duplicates: bool) -> bool:
    """Move a checked job to committing once: a second click (or tab) does not commit twice.
    Committing takes an import slot: ImportsBusy when there is none (the job stays checked)."""
    claimed = slots.take(
        job.user,
        lambda: ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).update(
            state=ImportJob.State.COMMITTING,
            allow_duplicates=allow_duplicates,
            attempts=0,
            updated_at=timezone.now(),
        ),
    )
    if claimed:
        job.refresh_from_db()
    return bool(claimed)


def sweep() -> None:
    """Forget uploads older than KEEP_FOR: their files and their job rows."""
    old = ImportJob.objects.filter(created_at__lt=timezone.now() - KEEP_FOR)
    for token in old.values_list("token", flat=True):
        (upload_dir() / f"{token}.xlsx").unlink(missing_ok=True)
    old.exclude(state__in=ImportJob.RUNNING).delete()
