"""The store-derived part of a dashboard (figures, charts, sub-branches, completeness), cached.

One epoch for every dashboard: each audited write, each change to the roll-up store and each
rebuild replaces it when its transaction commits, so a cached part is never older than the last
write that committed. The part holds nothing of the user who asked (scope decides whether the
page is shown at all; the user-scoped lists, notable records and lapsing titles, are never
cached) and is keyed by node, period, sort, language and today's date (completeness depends on
which months are due). Parts also expire after PART_SECONDS, which bounds staleness if the cache
was unreachable when an epoch had to change.

On only when the cache is shared by every process (`DASHBOARD_CACHE`, by default whenever
REDIS_URL is set): a per-process cache could not hear of a write made in another worker.
"""

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from core.freshness import current_epoch

log = logging.getLogger(__name__)

PART_SECONDS = 300


def part_key(epoch: str, branch_id: int, period_text: str, sort: str | None) -> str:
    parts = [epoch, str(branch_id), period_text, sort or "", translation.get_language() or "", timezone.localdate()]
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]
    return f"dashboard:part:{digest}"


def cached_part(branch, period, sort: str | None, build: Callable[[], dict]) -> dict:
    """build() when the cache is off, unreachable, or holds no part for this key yet."""
    if not settings.DASHBOARD_CACHE:
        return build()
    try:
        key = part_key(current_epoch(), branch.pk, period.text, sort)
        part = cache.get(key)
    except Exception:
        log.warning("dashboard cache: unreachable, building the page", exc_info=True)
        return build()
    if part is None:
        part = build()
        try:
            cache.set(key, part, PART_SECONDS)
        except Exception:
            log.warning("dashboard cache: could not keep the part", exc_info=True)
    return part
