"""Reads shared by the portal's pages."""

import datetime

from metrics.rollup import record_models

_UNKNOWN = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def latest_records(user, limit: int = 10) -> list:
    """The newest records the user can see, across every kind: one query per kind."""
    newest = []
    for model in record_models():
        newest.extend(model.objects.for_user(user).select_related("branch").order_by("-created_at", "-id")[:limit])
    # A creation time that could not be read (records/stored_dates.py) sorts last, not a 500.
    newest.sort(key=lambda r: (r.created_at or _UNKNOWN, r.pk), reverse=True)
    return newest[:limit]
