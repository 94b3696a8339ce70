"""Data freshness tokens: what a cache of something derived from the records keys its entries by.

Two kinds, both replaced when the writing transaction commits, so nothing cached is older than
the last write that committed:

- the data epoch, one token for everything: replaced by writes that may show anywhere (a rebuild
  of the roll-up store, a change to the tree itself, a write tied to no branch);
- a version per branch, replaced by writes whose effect stays within the branch and its
  ancestors (a record, a target, a submission): a write at an outlet replaces the versions of the
  outlet, its sub-branch, city, province and the head office, and leaves the other 18,000
  branches' cached figures alone;
- within a branch, a version per year the figures run through ("through" tokens), for writes
  that know the first year they change (a record's dates, a target's year, a submission's month):
  a write dated in year Y changes the figures of Y (sums) and of every later year (stocks are
  running sums), so it replaces the branch's tokens from Y through this year, and the one of
  every year after it; a page that shows figures through year T reads T's token. At national
  scale writes arrive every few seconds, all dated this year: last year's dashboards, which
  evaluations read, stay cached while they do (issue 19). A write that names no year replaces
  the branch's version, which is part of every year's token;
- beside it, a version per branch and topic (what was written: a model's label), for what shows
  only some tables: a dashboard's notable records are kept under the versions of the kinds they
  show, so saving a home visit leaves them cached. A write that names no topic replaces the
  branch's "any topic" version, which is part of every topic's token (topic_token());
- and a version per branch and catalogue metric, replaced by the roll-up store's writes of the
  metric's rows: a node's own figures and charts are kept one metric at a time
  (dashboards/node_metrics.py), so saving an outreach event leaves the head office's other
  metrics cached.

Writers at every layer (the audit log, the roll-up store, a rebuild) call data_changed(); they
need not know who caches.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.dates import EARLIEST_DATE

log = logging.getLogger(__name__)

EPOCH_KEY = "dashboard:epoch"
VERSION_KEY = "dashboard:branch:%s"
TOPIC_KEY = "dashboard:branch:%s:topic:%s"  # branch id, topic
ANY_TOPIC = "*"
THROUGH_KEY = "dashboard:branch:%s:through:%s"  # branch id, a year up to this one, or LATER
LATER = "later"  # every year after this one: no write is dated there yet, targets may be
METRIC_KEY = "dashboard:branch:%s:metric:%s"  # branch id, metric key


def data_changed(
    branch_ids: Iterable[int] | None = None,
    topic: str | None = None,
    since: int | None = None,
    metrics: Iterable[str] = (),
) -> None:
    """Call inside the writing transaction: cached parts stop being served once it commits.

    branch_ids: the branches whose subtree the write changed, each with every ancestor (a
    branch's path); None when the write may show anywhere. topic: what was written (the label
    of its model, such as "honours.honour"); None when unknown, which every topic hears. since:
    the first year whose figures the write changes; None when it may change any year's. metrics:
    the catalogue metrics whose roll-up rows the write changed (the store's writes name them)."""
    if branch_ids is None:
        transaction.on_commit(new_epoch, robust=True)
        return
    ids, changed = sorted(set(branch_ids)), sorted(set(metrics))
    if ids:
        transaction.on_commit(lambda: new_versions(ids, topic, since, changed), robust=True)


def earliest_year(*values) -> int | None:
    """The earliest year among dates, years and ISO date texts (an audit entry's values before
    and after a write), lists of them included; None when there is none. What a dated object's
    figures_since() answers: the first year whose figures its write changes."""
    years = []
    for value in values:
        if isinstance(value, (list, tuple)):
            found = earliest_year(*value)
            years += [found] if found is not None else []
        elif isinstance(value, datetime.date):
            years.append(value.year)
        elif isinstance(value, int) and not isinstance(value, bool):
            years.append(value)
        elif isinstance(value, str) and value[:4].isdigit():
            years.append(int(value[:4]))
    return min(years, default=None)


def new_epoch() -> None:
    try:
        cache.set(EPOCH_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache is down: cached parts expire on their own
        log.warning("cache: could not replace the data epoch", exc_info=True)


def new_versions(
    branch_ids: Iterable[int], topic: str | None = None, since: int | None = None, metrics: Iterable[str] = ()
) -> None:
    this_year = timezone.localdate().year
    years = [*range(max(since, EARLIEST_DATE.year), this_year + 1), LATER] if since is not None else []
    entries = {}
    for pk in branch_ids:
        token = uuid.uuid4().hex
        entries[TOPIC_KEY % (pk, topic or ANY_TOPIC)] = token
        if since is None:
            entries[VERSION_KEY % pk] = token
        for year in years:
            entries[THROUGH_KEY % (pk, year)] = token
        for metric in metrics:
            entries[METRIC_KEY % (pk, metric)] = token
    try:
        cache.set_many(entries, None)
    except Exception:  # the cache is down: cached parts expire on their own
        log.warning("cache: could not replace branch versions", exc_info=True)


def current_versions(branch_ids: Iterable[int], *, through: int) -> dict[int, str]:
    """{branch id: the token of its figures through the year `through` (the last year a page
    shows: figures of earlier years are read with it), with the branch's version and the data
    epoch}: one round trip, plus one per token the cache holds none of (never written, or
    evicted: a fresh one, so nothing kept under an older one is served)."""
    year = through if through <= timezone.localdate().year else LATER
    keys = {pk: (VERSION_KEY % pk, THROUGH_KEY % (pk, year)) for pk in branch_ids}
    found = _tokens([key for pair in keys.values() for key in pair])
    return {pk: ".".join((found[EPOCH_KEY], found[branch], found[years])) for pk, (branch, years) in keys.items()}


def metric_tokens(branch_id: int, metrics: Iterable[str]) -> dict[str, str]:
    """{metric: the token of the branch's figures of the metric}, with the branch's version and
    the data epoch: it changes whenever a write of the metric's roll-up rows in the branch's
    subtree commits (of any year: a node's metric is read whole), and with everything that
    changes every token; one round trip."""
    metrics = list(metrics)
    keys = {metric: METRIC_KEY % (branch_id, metric) for metric in metrics}
    found = _tokens([VERSION_KEY % branch_id, *keys.values()])
    base = f"{found[EPOCH_KEY]}.{found[VERSION_KEY % branch_id]}"
    return {metric: f"{base}.{found[key]}" for metric, key in keys.items()}


def topic_token(branch_id: int, topics: Iterable[str]) -> str:
    """One token for the writes of `topics` (and those naming none) in the branch's subtree,
    with the data epoch: it changes whenever one of them commits, and not for a write of any
    other topic."""
    return topic_tokens([branch_id], topics)[branch_id]


def topic_tokens(branch_ids: Iterable[int], topics: Iterable[str]) -> dict[int, str]:
    """{branch id: topic_token(branch id, topics)} in one round trip."""
    names = (ANY_TOPIC, *sorted(set(topics)))
    keys = {pk: [TOPIC_KEY % (pk, topic) for topic in names] for pk in branch_ids}
    found = _tokens([key for per_branch in keys.values() for key in per_branch])
    return {pk: ".".join([found[EPOCH_KEY], *(found[key] for key in per_branch)]) for pk, per_branch in keys.items()}


def _tokens(keys: list[str]) -> dict[str, str]:
    """{key: its token} of the keys and the data epoch (EPOCH_KEY), read together."""
    keys = [EPOCH_KEY, *keys]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
    return found
