"""Reading stored dates that cannot be shown: a logged warning and "unknown" (None), never a 500.

A value outside what Python's datetime can hold (on PostgreSQL, 0001-01-01 in Asia/Shanghai is a
timestamp before year 1 in UTC; a BC date; year 10000; on SQLite, any text) makes the database
driver raise while it fetches the row, before Django sees the value: every list, page, report and
export holding the row would fail, and the row could not even be deleted. A datetime within a
day of Python's limits reads but cannot be converted to local time, so templates fail on it.

The drivers' own converters are replaced here (psycopg2's typecasters for date, timestamp and
timestamptz; sqlite3's converters for the declared types Django uses) by ones that return None
for such values and log a warning naming the raw value. Values inside the limits are returned
as the drivers return them. Validation (core/dates.py) keeps new values inside the portal's
range, and the migration portal 0004 (records/date_repair.py) repairs those stored before it.
"""

import datetime
import logging

log = logging.getLogger("records.stored_dates")

# Within a day of datetime's limits a value cannot be converted to every time zone.
_MARGIN = datetime.timedelta(days=1)
_FIRST = datetime.datetime.min + _MARGIN
_LAST = datetime.datetime.max - _MARGIN


def _warn(raw) -> None:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    log.warning("unreadable stored date %r read as unknown", str(raw)[:64])


def usable(value):
    """The value if every page can show it, else None (with a warning)."""
    # Only years 1 and 9999 come near the limits: one attribute read for every other value.
    if value.year in (1, 9999) and isinstance(value, datetime.datetime):
        naive = value.astimezone(datetime.UTC).replace(tzinfo=None) if value.tzinfo else value
        if not _FIRST <= naive <= _LAST:
            _warn(value.isoformat())
            return None
    return value


def _tolerant(parse, fallback=None):
    """A converter: `parse(raw)` (fast, ISO text), else `fallback(raw, *args)` (the driver's own,
    for any other form it writes); None, with a warning, where neither gives a usable value."""

    def convert(raw, *args):
        if raw is None:
            return None
        try:
            value = parse(raw)
        except (ValueError, OverflowError, TypeError):
            value = None
            if fallback is not None:
                try:
                    value = fallback(raw, *args)
                except (ValueError, OverflowError, TypeError):
                    value = None
        if value is None:
            _warn(raw)
            return None
        if value.year in (1, 9999):
            return usable(value)
        return value

    return convert


def install_postgresql() -> None:
    try:
        from psycopg2 import extensions
    except ImportError:  # psycopg 3 or no PostgreSQL driver: nothing to replace
        return
    # PostgreSQL writes dates and timestamps as ISO text (DateStyle ISO, the session in UTC), which
    # fromisoformat reads faster than the driver's own typecaster; BC dates, years past 9999 and
    # "infinity" fall back to that typecaster, and then to None.
    for base, parse in (
        (extensions.PYDATE, datetime.date.fromisoformat),
        (extensions.PYDATETIME, datetime.datetime.fromisoformat),
        (extensions.PYDATETIMETZ, datetime.datetime.fromisoformat),
    ):
        extensions.register_type(extensions.new_type(base.values, f"PORTAL_{base.name}", _tolerant(parse, base)))


def install_sqlite() -> None:
    import sqlite3

    # Imported first so that Django's own converters, registered on import, are the ones replaced.
    import django.db.backends.sqlite3.base  # noqa: F401
    from django.utils.dateparse import parse_date, parse_datetime

    def text(parse):
        return lambda raw: parse(raw.decode())

    sqlite3.register_converter("date", _tolerant(text(parse_date)))
    sqlite3.register_converter("datetime", _tolerant(text(parse_datetime)))
    sqlite3.register_converter("timestamp", _tolerant(text(parse_datetime)))


def install(databases: dict) -> None:
    """Replace the converters of the drivers the configured databases use."""
    engines = {settings_dict.get("ENGINE", "") for settings_dict in databases.values()}
    if any("postgresql" in engine for engine in engines):
        install_postgresql()
    if any("sqlite3" in engine for engine in engines):
        install_sqlite()
