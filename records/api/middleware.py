"""Under /api/ every error is JSON, whoever produced it: the URL resolver's 404, a 405, a 500,
a (non-multipart) body over DATA_UPLOAD_MAX_MEMORY_SIZE (413, refused before it is read)."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"

MESSAGES = {
    400: lambda: _("Bad request."),
    401: lambda: _("Authentication credentials were not provided."),
    403: lambda: _("You do not have permission to perform this action."),
    404: lambda: _("Not found."),
    405: lambda: _("Method not allowed."),
    406: lambda: _("The requested response format is not available."),
    413: lambda: _("The request body is too large."),
    415: lambda: _("Unsupported media type: send application/json."),
    429: lambda: _("Too many requests. Try again later."),
}
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


def json_error(status: int, detail=None, **headers) -> JsonResponse:
    if detail is None:
        detail = MESSAGES.get(status, lambda: _("Server error.") if status >= 500 else _("Bad request."))()
    response = JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _is_json(response) -> bool:
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("application/json"):
        return False
    if getattr(response, "streaming", False):
        return True
    try:
        json.loads(response.content or b"null")
    except ValueError:
        return False
    return True


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        refused = self._refuse_body(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            replacement = json_error(response.status_code)
            for name, value in kept.items():
                replacement[name] = value
            response = replacement
        return response

    @staticmethod
    def _refuse_body(request):
        if request.content_type == "multipart/form-data":
            # As in Django, the limit is for data, not uploaded files (those have their own).
            return None
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(length)
        except ValueError:
            return json_error(400, _("The Content-Length header is not a number."))
        if length < 0:
            return json_error(400, _("The Content-Length header is not a number."))
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return json_error(
                413,
                _("The request body is too large: at most %(limit)s bytes.") % {"limit": limit},
            )
        return None
