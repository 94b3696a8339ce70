"""Request bodies are bounded before they are read: by Content-Length, per route.

Without this a 200 MB photo post was read and spooled to disk before the 8 MB photo check
refused it. Each view that takes files declares its limit (`request_body_limit`, a callable
returning bytes): the photo pages their photos' (PHOTO_MAX_BYTES × the photos one form takes),
the ledger uploads theirs (LEDGER_MAX_UPLOAD_BYTES); every other route gets REQUEST_MAX_BYTES.
A request declaring more is answered 413 at once, with a page saying the limit (JSON
`{"detail": ...}` under /api/), and its body is never read. A body without Content-Length
(chunked) is bounded while it is read: past the limit the read fails and the answer is the
same 413. (Under WSGI, Django reads such a body as empty anyway.)

The proxy in front keeps its own body limit at least as large as the largest of these
(docs/deploy.md), so that the user gets this page rather than the proxy's.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
HTML_API_ROUTES = ("/api/v1/tokens/", "/api/v1/docs/")


def general_limit() -> int:
    return settings.REQUEST_MAX_BYTES


def limit_for(request) -> int:
    """The body limit of the route the request goes to."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return general_limit()
    view = match.func
    owner = getattr(view, "view_class", None) or getattr(view, "cls", None) or view
    declared = getattr(owner, "request_body_limit", None) or getattr(view, "request_body_limit", None)
    return declared() if declared is not None else general_limit()


class BodyTooLarge(RequestDataTooBig):
    """A body without Content-Length passed the route's limit while it was read."""


class BoundedStream:
    """The request's input, failing once more than `limit` bytes have been read from it."""

    def __init__(self, stream, limit: int, request):
        self.stream, self.remaining, self.request = stream, limit, request

    def _take(self, data: bytes) -> bytes:
        self.remaining -= len(data)
        if self.remaining < 0:
            self.request.body_too_large = True
            raise BodyTooLarge(_("The request body is too large."))
        return data

    def read(self, size=-1):
        if size is None or size < 0:
            return self._take(self.stream.read(self.remaining + 1))
        return self._take(self.stream.read(min(size, self.remaining + 1)))

    def readline(self, size=-1):
        if size is None or size < 0:
            size = self.remaining + 1
        return self._take(self.stream.readline(min(size, self.remaining + 1)))

    def __iter__(self):
        while line := self.readline():
            yield line

    def close(self):
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


def too_large(request, limit: int):
    mb = f"{limit / (1024 * 1024):.0f}"
    message = _("The request is too large: at most %(mb)s MB can be sent here. Send less at a time.") % {"mb": mb}
    if request.path_info.startswith(API_PREFIX) and not request.path_info.startswith(HTML_API_ROUTES):
        from records.api.middleware import json_error

        return json_error(413, message)
    return render(request, "portal/too_large.html", {"message": message}, status=413)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH")
        has_body = declared not in (None, "", "0") or "HTTP_TRANSFER_ENCODING" in request.META
        if not has_body:
            return self.get_response(request)
        limit = limit_for(request)
        if declared not in (None, ""):
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                return self._bad_length(request)
            if length > limit:
                return too_large(request, limit)
        stream = getattr(request, "_stream", None)
        if stream is not None:
            request._stream = BoundedStream(stream, limit, request)
        try:
            response = self.get_response(request)
        except BodyTooLarge:
            return too_large(request, limit)
        if getattr(request, "body_too_large", False):
            return too_large(request, limit)
        return response

    @staticmethod
    def _bad_length(request):
        message = _("The Content-Length header is not a number.")
        if request.path_info.startswith(API_PREFIX):
            from records.api.middleware import json_error

            return json_error(400, message)
        return render(request, "portal/too_large.html", {"message": message}, status=400)
