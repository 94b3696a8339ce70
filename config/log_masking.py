"""No full resident ID or mobile number in any log line (issue 15, item 4).

`MaskPersonalNumbers` is a filter on every handler of settings.LOGGING, so it sees every record
that is written, whichever logger made it (a logger's own filters miss records propagated from
its children). It masks every field a formatter may write: the message formatted with its
arguments (then kept as the message, arguments cleared), the exception and stack text, and
every extra field — a string masked, any other object (such as the request django.request
attaches, whose repr holds the query string) replaced by its masked text when that text holds
a number. Masking is core.privacy.redact: the same folded matcher the fields use.
"""

import logging

from core.privacy import redact

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_PLAIN = (int, float, bool, type(None))


def _masked_object(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, _PLAIN):
        return value
    try:
        text = str(value)
    except Exception:  # noqa: BLE001  (a broken __str__ must not stop the log line)
        return value
    masked = redact(text)
    return value if masked == text else masked


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask the record in place (idempotent) and return it."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001  (arguments that do not fit the message: logging reports it)
        message = None
    if message is not None:
        record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    for key, value in list(vars(record).items()):
        if key not in _STANDARD and not key.startswith("_"):
            setattr(record, key, _masked_object(value))
    return record


class MaskPersonalNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True
