"""/healthz: is the database reachable, and the cache? For load balancers and monitoring. Also
the last result of the nightly check of the roll-up store (`rebuild_metrics --verify`, run by a
worker: metrics/tasks.py), read from its TaskRun row in one query; the check itself never runs
here.

The status (200, or 503) says only whether this web process can serve: a failed or missing
nightly check does not make it 503, since a load balancer would then take every web process out
of service for a drift the check has already repaired. Monitoring alerts on `verify.ok` being
false, or on `verify.stale` (no check started within VERIFY_STALE_AFTER)."""

import uuid
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from background.models import TaskRun
from branches.access import open_to_metrics_clients
from metrics.tasks import VERIFY

VERIFY_STALE_AFTER = timedelta(hours=26)  # nightly, with a margin


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _cache_ok() -> bool:
    key, value = "healthz:" + uuid.uuid4().hex, "ok"
    try:
        cache.set(key, value, 5)
        ok = cache.get(key) == value
        cache.delete(key)
        return ok
    except Exception:
        return False


def _verify(database_ok: bool) -> dict | None:
    """The nightly check's last run: when it finished, whether it passed, rows checked and
    rows that differed. None when the database cannot be read."""
    if not database_ok:
        return None
    try:
        row = TaskRun.objects.filter(task=VERIFY).values("started_at", "finished_at", "ok", "figures").first()
    except Exception:
        return None
    row = row or {"started_at": None, "finished_at": None, "ok": None, "figures": {}}
    finished = row["finished_at"]
    figures = row["figures"] or {}
    return {
        "last_run": row["started_at"].isoformat() if row["started_at"] else None,
        "finished": finished.isoformat() if finished else None,
        "ok": row["ok"],
        "rows_checked": figures.get("rows"),
        "rows_differing": figures.get("differences"),
        "stale": row["started_at"] is None or timezone.now() - row["started_at"] > VERIFY_STALE_AFTER,
    }


@open_to_metrics_clients
@never_cache
@require_GET
def healthz(request):
    database, cache_ok = _database_ok(), _cache_ok()
    healthy = database and cache_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database,
            "cache": cache_ok,
            "verify": _verify(database),
        },
        status=200 if healthy else 503,
    )
