"""Request ids and structured JSON logs; no full ID or phone number ever reaches a log line."""

import contextvars
import json
import logging
import time
import uuid

from core.privacy import contains_personal_identifier, redact

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _incoming_request_id(request) -> str:
    """The client's X-Request-ID when it has a safe shape (1 to 64 letters, digits, '-', '_',
    '.', and no ID or mobile number in it, which the response and every log line would carry);
    otherwise a new one."""
    given = request.headers.get("X-Request-ID", "")
    if given and len(given) <= 64 and set(given) <= _REQUEST_ID_OK and not contains_personal_identifier(given):
        return given
    return new_request_id()


def new_request_id() -> str:
    """32 hex digits that never spell a mobile number (a uuid's hex can hold 11 digits in a row
    starting 13–19, which the log masking would then hide): drawn again when they do."""
    while True:
        candidate = uuid.uuid4().hex
        if not contains_personal_identifier(candidate):
            return candidate


class RequestIdMiddleware:
    """Tags the request, its log lines and the response with one request id; logs one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.log = logging.getLogger("portal.request")

    def __call__(self, request):
        request.request_id = _incoming_request_id(request)
        token = request_id_var.set(request.request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            self.log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": getattr(getattr(request, "user", None), "pk", None),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": request_id_var.get(),
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
