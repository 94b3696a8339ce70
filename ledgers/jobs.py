"""Import jobs: the uploaded file kept server-side under a token bound to the user, the dry
run and the commit run in a background thread, and their progress for the page to poll.

Progress goes to the cache at every chunk (live within the process, or across processes with
REDIS_URL) and to the job row whenever no transaction is open; a commit's rows are written in
one transaction, whose progress only the cache can show.
"""

import logging
import secrets
import shutil
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.free_text import safe_file_name
from ledgers import slots
from ledgers.importing import import_ledger
from ledgers.models import ImportJob
from ledgers.specs import spec_for

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(hours=24)  # an uploaded file waits this long for its commit
STALLED_AFTER = slots.STALLED_AFTER  # a run without progress this long died with its process


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
    """Run the dry run (commit=False) or the commit of the job's file, in a thread of its own
    unless LEDGER_IMPORT_INLINE is set (tests) or the caller waits for the answer."""
    language = translation.get_language()
    if not background or getattr(settings, "LEDGER_IMPORT_INLINE", False):
        run(job.pk, commit=commit, language=language)
        return
    thread = threading.Thread(
        target=run, args=(job.pk,), kwargs={"commit": commit, "language": language, "own_connection": True}
    )
    thread.daemon = True
    thread.start()


def _progress_key(job_id: int) -> str:
    return f"ledgers:import:{job_id}"


def run(job_id: int, *, commit: bool, language: str | None = None, own_connection: bool = False) -> None:
    try:
        with translation.override(language):
            _run(job_id, commit)
    except Exception:  # a bug must not leave the job "running" forever
        log.exception("ledger import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED,
            file_error=_("The import stopped because of an internal error; nothing was written."),
        )
    finally:
        if own_connection:
            close_old_connections()
            connection.close()


def _run(job_id: int, commit: bool) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    S = ImportJob.State
    job.state = S.COMMITTING if commit else S.CHECKING
    job.rows_done = 0
    job.save(update_fields=["state", "rows_done", "updated_at"])

    def progress(done: int, total: int, writing: bool) -> None:
        cache.set(_progress_key(job_id), {"done": done, "total": total, "writing": writing}, 3600)
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total, updated_at=timezone.now())

    path = file_of(job)
    if not path.exists():
        job.state, job.file_error = S.FAILED, _("The uploaded file has expired; upload it again.")
    else:
        outcome = import_ledger(
            spec_for(job.kind),
            path,
            job.user,
            commit=commit,
            allow_duplicates=job.allow_duplicates,
            progress=progress,
            source=_("Ledger file %(name)s") % {"name": job.file_name},
        )
        job.problems, job.problem_count, job.duplicate_count = (
            outcome.problems,
            outcome.problem_count,
            outcome.duplicate_count,
        )
        job.file_error, job.seconds = outcome.file_error, outcome.seconds
        job.rows_total, job.rows_done, job.good_rows = outcome.rows, outcome.rows, outcome.good_rows
        job.created_count = outcome.created
        if outcome.file_error:
            job.state = S.FAILED
        elif commit:
            job.state = S.COMMITTED if outcome.committed else S.FAILED
        else:
            job.state = S.CHECKED
    job.save()
    cache.delete(_progress_key(job_id))
    if job.state in (S.COMMITTED, S.FAILED):
        path.unlink(missing_ok=True)


def live(job: ImportJob) -> dict:
    """Rows done and total for the progress bar, and whether rows are being written."""
    state = cache.get(_progress_key(job.pk)) or {}
    total = state.get("total") or job.rows_total or 0
    return {"done": state.get("done", job.rows_done), "total": total, "writing": state.get("writing", False)}


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
            state=ImportJob.State.COMMITTING, allow_duplicates=allow_duplicates, updated_at=timezone.now()
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
