"""Reads shared by the portal's pages."""

from metrics.store import record_models


def latest_records(user, limit: int = 10) -> list:
    """The newest records the user can see, across every kind: one query per kind."""
    newest = []
    for model in record_models():
        newest.extend(model.objects.for_user(user).select_related("branch").order_by("-created_at", "-id")[:limit])
    newest.sort(key=lambda r: (r.created_at, r.pk), reverse=True)
    return newest[:limit]
