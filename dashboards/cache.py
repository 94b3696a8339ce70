"""What a dashboard keeps between writes: the store-derived part of a node's page (figures,
charts, sub-branches, completeness) and, inside it, each sub-branch's row (its figures, targets
and the HTML written for them: dashboards/pieces.py), the completeness table of the sub-branches
and the node's own data of each metric (dashboards/node_metrics.py).

Every key holds the data epoch and the versions of the branches the entry shows, for the
figures through the last year it shows (core/freshness.py): a write at a branch replaces the
versions of the branch and its ancestors when its transaction commits (for a dated write, those
of the years from its date on), so nothing is served older than the last committed write; a
write at one outlet leaves the rows of every other province of the head office's page cached
(issue 19: the head office's dashboard right after a write), and a write dated this year leaves
last year's pages cached. A write that may show anywhere (a rebuild, a change to the tree)
replaces the epoch. Nothing kept holds anything of the user who asked (scope decides whether
the page is shown at all; the notable records and lapsing titles are kept only where the user
sees the whole subtree: dashboards/records_part.py); keys also hold the period, the sort, the
language and today's date (completeness depends on which months are due). Entries also expire
after PART_SECONDS, which bounds staleness if the cache was unreachable when a version had to
change.

On only when the cache is shared by every process (`DASHBOARD_CACHE`, by default whenever
REDIS_URL is set): a per-process cache could not hear of a write made in another worker.
"""

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from core.freshness import current_versions, metric_tokens, topic_tokens

log = logging.getLogger(__name__)

PART_SECONDS = 300
# Part of every key: raise it when what is kept changes shape, so a deploy never reads entries
# an older release kept (they would not unpickle into today's classes).
KEY_FORMAT = 4


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(map(str, (KEY_FORMAT, *parts))).encode()).hexdigest()[:40]


def cached_part(branch, period, sort: str | None, build: Callable[[], dict], *, drop=()) -> dict:
    """build() when the cache is off, unreachable, or holds no part for this key yet."""
    through = last_year(period)
    return cached_section(
        "part",
        lambda: current_versions([branch.pk], through=through)[branch.pk],
        branch.pk,
        period.text,
        build,
        sort or "",
        drop=drop,
    )


def last_year(period) -> int:
    """The last year a page over the period shows figures of (core.freshness: its token)."""
    return period.last.year


def cached_section(
    kind: str, token: Callable[[], str], branch_id: int, period_text: str, build: Callable[[], dict], *extra, drop=()
) -> dict:
    """A kept piece of a node's page, under `token()` (the versions it depends on, with the
    data epoch: core.freshness), the node, the period, the language, today and `extra`: build()
    when the cache is off, unreachable, or holds none yet; the keys in `drop` of what build()
    returns are not kept."""
    if not settings.DASHBOARD_CACHE:
        return build()
    try:
        language = translation.get_language() or ""
        digest = _digest(token(), branch_id, period_text, language, timezone.localdate(), *extra)
        key = f"dashboard:{kind}:{digest}"
        part = cache.get(key)
    except Exception:
        log.warning("dashboard cache: unreachable, building the page", exc_info=True)
        return build()
    if part is None:
        part = build()
        keep({key: {name: value for name, value in part.items() if name not in drop}})
    return part


def row_keys(kind: str, branch_ids: list[int], period, *extra, topics=()) -> dict[int, str] | None:
    """{branch id: key} of one kind of kept row (a child's data, its HTML) over the period, or
    None when nothing is kept (the cache off or unreachable). Kept under each branch's token of
    the figures through the period's last year, or under its token of `topics` when given
    (core.freshness: what the row shows is written by those only)."""
    if not settings.DASHBOARD_CACHE or not branch_ids:
        return None
    try:
        if topics:
            versions = topic_tokens(branch_ids, topics)
        else:
            versions = current_versions(branch_ids, through=last_year(period))
    except Exception:
        log.warning("dashboard cache: unreachable, building the rows", exc_info=True)
        return None
    language, today = translation.get_language() or "", timezone.localdate()
    return {
        pk: f"dashboard:{kind}:{_digest(versions[pk], pk, period.text, language, today, *extra)}" for pk in branch_ids
    }


def metric_keys(branch_id: int, period, metrics: list[str]) -> dict[str, str] | None:
    """{metric: key} of a node's kept data of each metric over the period (dashboards.node_metrics),
    or None when nothing is kept: under the node's token of each metric (core.freshness: changed
    by the writes of the metric in its subtree, whatever their year)."""
    if not settings.DASHBOARD_CACHE or not metrics:
        return None
    try:
        versions = metric_tokens(branch_id, metrics)
    except Exception:
        log.warning("dashboard cache: unreachable, reading the metrics", exc_info=True)
        return None
    language, today = translation.get_language() or "", timezone.localdate()
    return {
        metric: f"dashboard:metric:{_digest(versions[metric], branch_id, period.text, language, today, metric)}"
        for metric in metrics
    }


def cached_rows(keys: dict | None, ids: list, build: Callable[[list], dict], *, keep_built: bool = True) -> dict:
    """{id: row} for every id: those kept under `keys` from the cache (one round trip), the
    others from build(missing ids), which must build them all at once, and are then kept
    (unless `keep_built` is false: the caller keeps them once it has added to them)."""
    found: dict = {}
    if keys is not None:
        try:
            kept = cache.get_many([keys[pk] for pk in ids])
        except Exception:
            log.warning("dashboard cache: unreachable, building the rows", exc_info=True)
            kept = {}
        found = {pk: kept[keys[pk]] for pk in ids if keys[pk] in kept}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        built = build(missing)
        if keys is not None and keep_built:
            keep({keys[pk]: built[pk] for pk in missing})
        found.update(built)
    return found


def keep(entries: dict) -> None:
    if not entries:
        return
    try:
        cache.set_many(entries, PART_SECONDS)
    except Exception:
        log.warning("dashboard cache: could not keep the part", exc_info=True)
