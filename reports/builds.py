"""Documents built by a Celery worker (reports/tasks.py) instead of inside the request: the
highlights report's PDF and Word file and an evidence pack's zip, for one user, with their
draft texts and their scope, and a ledger export beyond EXPORT_INLINE_MAX_ROWS rows
(ledgers/export_builds.py writes it, streaming, to the file). The DocumentBuild row (background/models.py) is the truth the page
polls from any web process; the file waits in MEDIA_ROOT/builds/ (shared storage when workers
run on other machines) for KEEP_FOR.

A build runs only from a waiting or running state and writes its file under a temporary name
first: delivered again after its worker died, it builds the same file once more. At most
REPORT_BUILDS_PER_USER (2) run for one user and REPORT_BUILDS_TOTAL (4) in the portal."""

import contextlib
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from background.models import DocumentBuild
from background.outage import database_gone
from reports.fonts import PdfFontMissing

log = logging.getLogger(__name__)

K, S = DocumentBuild.Kind, DocumentBuild.State
KEEP_FOR = timedelta(hours=24)
STALLED_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 3
LOCK_KEY = 0x1ED6E7
EXTENSIONS = {K.HIGHLIGHTS_PDF: "pdf", K.HIGHLIGHTS_DOCX: "docx", K.EVIDENCE_ZIP: "zip"}
EXTENSIONS |= {K.LEDGER_XLSX: "xlsx", K.LEDGER_CSV: "csv"}
CONTENT_TYPES = {
    K.HIGHLIGHTS_PDF: "application/pdf",
    K.HIGHLIGHTS_DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    K.EVIDENCE_ZIP: "application/zip",
    K.LEDGER_XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    K.LEDGER_CSV: "text/csv; charset=utf-8",
}
LEDGER_EXPORTS = (K.LEDGER_XLSX, K.LEDGER_CSV)


class BuildsBusy(Exception):
    retry_after = 30


def build_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "builds"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_of(build: DocumentBuild) -> Path:
    return build_dir() / f"{build.token}.{EXTENSIONS[build.kind]}"


def download_name(build: DocumentBuild) -> str:
    p = build.params
    if build.kind in LEDGER_EXPORTS:
        return p["file_name"]
    if build.kind == K.EVIDENCE_ZIP:
        return f"evidence-{build.branch.code}-{p['scheme']}-{p['year']}.zip"
    return f"highlights-{build.branch.code}-{p['period'].replace('..', '_')}.{EXTENSIONS[build.kind]}"


def running():
    return DocumentBuild.objects.filter(state__in=DocumentBuild.RUNNING, updated_at__gte=timezone.now() - STALLED_AFTER)


def same(user, kind: str, branch, params: dict) -> tuple[DocumentBuild | None, DocumentBuild | None]:
    """The user's build of this document with these parameters that is running, and the
    latest one ready (its file still kept), if any: a second click follows the first."""
    mine = DocumentBuild.objects.filter(user=user, kind=kind, branch=branch).order_by("-created_at")[:20]
    matching = [b for b in mine if all(b.params.get(k) == v for k, v in params.items())]
    running_one = next((b for b in matching if mark_if_stalled(b).is_running), None)
    ready = next((b for b in matching if b.state == S.DONE and file_of(b).exists()), None)
    return running_one, ready


def start(*, user, kind: str, branch, params: dict) -> DocumentBuild:
    """Queue a build (once the caller's transaction commits); BuildsBusy when the user's or the
    portal's builds are at their limit. The caller has checked the branch is in the user's scope
    and the params are valid."""
    sweep()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        mine = running().filter(user=user).count()
        if mine >= getattr(settings, "REPORT_BUILDS_PER_USER", 2):
            raise BuildsBusy(
                _("You already have %(n)s documents being built. Wait until one is ready, then try again.")
                % {"n": mine}
            )
        everyone = running().count()
        if everyone >= getattr(settings, "REPORT_BUILDS_TOTAL", 4):
            raise BuildsBusy(
                _("%(n)s documents are being built in the portal, the most it builds at once. Try again in a minute.")
                % {"n": everyone}
            )
        build = DocumentBuild.objects.create(
            token=secrets.token_urlsafe(24),
            user=user,
            kind=kind,
            branch=branch,
            params={**params, "language": translation.get_language()},
        )
    transaction.on_commit(lambda: _queue(build.pk))
    return build


def _queue(build_id: int) -> None:
    from reports.tasks import build_document

    try:
        build_document.delay(build_id)
    except Exception:
        log.exception("document build %s could not be queued", build_id)
        DocumentBuild.objects.filter(pk=build_id, state__in=DocumentBuild.RUNNING).update(
            state=S.FAILED,
            error=_("The document could not be started (the task queue is unreachable). Try again later."),
        )


class DatabaseUnavailable(Exception):
    """The database went away during the build: the row is still building, the task tries
    again a few seconds later (reports/tasks.py)."""


def run(build_id: int, *, retry_outage: bool = False) -> None:
    try:
        _run(build_id)
    except Exception as error:
        if not database_gone(error):
            raise
        if retry_outage:
            raise DatabaseUnavailable() from error
        log.exception("document build %s: the database went away", build_id)
        with contextlib.suppress(Exception):  # else it is called stalled later
            DocumentBuild.objects.filter(pk=build_id, state__in=DocumentBuild.RUNNING).update(
                state=S.FAILED,
                error=_("The document could not be built because of an internal error. Try again."),
                updated_at=timezone.now(),
            )


def _run(build_id: int) -> None:
    started = DocumentBuild.objects.filter(pk=build_id, state__in=DocumentBuild.RUNNING).update(
        state=S.BUILDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not started:
        return  # delivered again after it ended: nothing to do
    build = DocumentBuild.objects.select_related("user", "branch").get(pk=build_id)
    path = file_of(build)
    part = path.with_name(path.name + ".part")
    with translation.override(build.params.get("language")):
        if build.attempts > MAX_ATTEMPTS:
            _fail(build, _("The document was interrupted %(n)s times. Try again later.") % {"n": MAX_ATTEMPTS})
            return
        try:
            size = _write(build, part)
        except PdfFontMissing as missing:
            _fail(build, str(missing))
            return
        except Exception as error:
            part.unlink(missing_ok=True)
            if database_gone(error):
                raise
            log.exception("document build %s failed", build_id)
            _fail(build, _("The document could not be built because of an internal error. Try again."))
            return
    os.replace(part, path)
    DocumentBuild.objects.filter(pk=build_id, state=S.BUILDING).update(
        state=S.DONE, size=size, file_name=download_name(build), updated_at=timezone.now()
    )


def _write(build: DocumentBuild, part: Path) -> int:
    """Write the document to `part`; its size in bytes. A ledger export is streamed to the file
    (any number of rows in constant memory), telling the row it is still alive as it goes."""
    if build.kind in LEDGER_EXPORTS:
        from ledgers.export_builds import write_export

        def alive() -> None:
            DocumentBuild.objects.filter(pk=build.pk, state=S.BUILDING).update(updated_at=timezone.now())

        write_export(build, part, alive)
        return part.stat().st_size
    data = _document(build)
    part.write_bytes(data)
    return len(data)


def _fail(build: DocumentBuild, message: str) -> None:
    DocumentBuild.objects.filter(pk=build.pk, state__in=DocumentBuild.RUNNING).update(
        state=S.FAILED, error=message, updated_at=timezone.now()
    )


def _document(build: DocumentBuild) -> bytes:
    from dashboards.context import dashboard_period
    from reports.documents import docx_bytes, pdf_bytes, portal_url
    from reports.evidence import build_pack
    from reports.evidence_files import pack_zip
    from reports.highlights import build_report
    from reports.models import EvaluationScheme
    from reports.services import draft_for

    if build.kind == K.EVIDENCE_ZIP:
        scheme = EvaluationScheme.objects.get(code=build.params["scheme"])
        return pack_zip(build_pack(build.user, scheme, build.branch, int(build.params["year"])), portal_url)
    report = build_report(build.user, build.branch, dashboard_period(build.params["period"]))
    report.apply(draft_for(build.user, report))
    return (pdf_bytes if build.kind == K.HIGHLIGHTS_PDF else docx_bytes)(report)


def mark_if_stalled(build: DocumentBuild) -> DocumentBuild:
    """A build with no worker to run it (or whose worker died) does not wait for ever."""
    if build.is_running and timezone.now() - build.updated_at > STALLED_AFTER:
        _fail(build, _("The document was interrupted. Try again."))
        build.refresh_from_db()
    return build


def sweep() -> None:
    """Forget builds older than KEEP_FOR: their files and their rows."""
    old = DocumentBuild.objects.filter(created_at__lt=timezone.now() - KEEP_FOR)
    for build in old:
        file_of(build).unlink(missing_ok=True)
    old.exclude(state__in=DocumentBuild.RUNNING).delete()
