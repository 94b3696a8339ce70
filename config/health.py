"""/healthz: is the database reachable, and the cache? For load balancers and monitoring."""

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from branches.access import open_to_metrics_clients


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


@open_to_metrics_clients
@never_cache
@require_GET
def healthz(request):
    database, cache_ok = _database_ok(), _cache_ok()
    healthy = database and cache_ok
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "cache": cache_ok},
        status=200 if healthy else 503,
    )
