"""A database that cannot be reached (restarting, failing over) is a 503 with Retry-After, never
a 500. Each write is one service transaction, so it either committed before the outage or not at
all; clients may retry, creates with the same Idempotency-Key. Logged with its traceback (SQLite
also raises OperationalError for a locked database or a bad query).

Two ways in: the middleware turns an outage raised by a view into the 503; `server_error`
(handler500) turns one raised anywhere else (a middleware loading the session or the signed-in
user, before any view) into the same answer instead of the server-error page. An outage is what
background/outage.py says: Django's errors and the driver's own."""

import logging
import sys

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults

from background.outage import database_gone
from records.api.middleware import API_PREFIX, json_error

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def outage_response(request, exception: BaseException) -> HttpResponse:
    log.warning("database unavailable: %s %s", request.method, request.path, exc_info=exception)
    message = _("The service is briefly unavailable. Nothing was saved; try again in a few seconds.")
    if request.path_info.startswith(API_PREFIX):
        return json_error(503, message, Retry_After=str(RETRY_AFTER_SECONDS))
    response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_gone(exception):
            return None
        return outage_response(request, exception)


def server_error(request):
    """handler500: Django calls it while handling the exception, so sys.exc_info() names it."""
    exception = sys.exc_info()[1]
    if exception is not None and database_gone(exception):
        return outage_response(request, exception)
    return defaults.server_error(request)
