"""Every refusal under /api/ as JSON: `{field: [messages]}` or `{"detail": ...}`.

The services raise the domain's exceptions; this one handler turns each into its status, so a
viewset never catches them itself.
"""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.errors import OutOfScope, PeriodLocked, StaleEdit
from core.privacy import redact


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the record.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record has changed since the version given in If-Match.")
    default_code = "precondition_failed"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used with a different request.")
    default_code = "idempotency_key_reused"


class LoginLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed logins: this account is locked for a while. Try again later.")
    default_code = "locked_out"


def field_errors(exc: DjangoValidationError) -> dict:
    """A Django ValidationError as the API's {field: [messages]}."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def _stale(exc: StaleEdit) -> exceptions.APIException:
    refused = PreconditionFailed(str(exc))
    refused.extra = {"current_version": exc.current.version, "changed_fields": exc.changed_fields}
    return refused


def as_api_exception(exc: Exception) -> Exception:
    """The domain's and Django's exceptions as REST framework's, with the status each means."""
    if isinstance(exc, (OutOfScope, Http404)):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(field_errors(exc))
    if isinstance(exc, PeriodLocked):
        return Conflict(str(exc))
    if isinstance(exc, StaleEdit):
        return _stale(exc)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError()
    if isinstance(exc, IntegrityError):
        # Two writes raced past validation (e.g. the same love-station row twice): retry is safe.
        return Conflict(_("Another request saved a conflicting record at the same time; please try again."))
    return exc


def masked(data):
    """Error messages with any ID or mobile number masked: a refusal never echoes the input's number."""
    if isinstance(data, dict):
        return {key: masked(value) for key, value in data.items()}
    if isinstance(data, list):
        return [masked(value) for value in data]
    if isinstance(data, str) and redact(data) != data:
        return type(data)(redact(data), code=data.code) if isinstance(data, ErrorDetail) else redact(data)
    return data


def api_exception_handler(exc, context):
    exc = as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, list):
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    response.data = masked(response.data)
    if getattr(exc, "extra", None) and isinstance(response.data, dict):
        response.data.update(exc.extra)
    request = context.get("request")
    if request is not None:
        # Errors are JSON even where the client asked for CSV.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    return response
