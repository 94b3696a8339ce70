"""A database that cannot be reached (restarting, failing over) is a 503 with Retry-After, never
a 500. Each write is one service transaction, so it either committed before the outage or not at
all; clients may retry, creates with the same Idempotency-Key. Logged with its traceback (SQLite
also raises OperationalError for a locked database or a bad query)."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.translation import gettext as _

from records.api.middleware import API_PREFIX, json_error

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.warning("database unavailable: %s %s", request.method, request.path, exc_info=exception)
        message = _("The service is briefly unavailable. Nothing was saved; try again in a few seconds.")
        if request.path_info.startswith(API_PREFIX):
            return json_error(503, message, Retry_After=str(RETRY_AFTER_SECONDS))
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
