"""Uploads of ledger files, refused past the size limit while they stream in (never whole in memory)."""

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

from core.uploads import FORM_ALLOWANCE
from ledgers.files import max_upload_bytes


def ledger_request_limit() -> int:
    """The body a ledger upload may declare (config.body_limits): the file and the form around it."""
    return max_upload_bytes() + FORM_ALLOWANCE


class LedgerUploadHandler(TemporaryFileUploadHandler):
    """Stores the upload in a temporary file and drops it once it passes the ledger limit;
    the view sees `request.ledger_upload_too_large` and says so."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > max_upload_bytes():
            self.request.ledger_upload_too_large = True
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)


def limit_uploads(request) -> None:
    """Install the handler; call before request.POST or request.FILES is first read."""
    request.ledger_upload_too_large = False
    request.upload_handlers = [LedgerUploadHandler(request)]
