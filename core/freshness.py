"""Data freshness tokens: what a cache of something derived from the records keys its entries by.

Two kinds, both replaced when the writing transaction commits, so nothing cached is older than
the last write that committed:

- the data epoch, one token for everything: replaced by writes that may show anywhere (a rebuild
  of the roll-up store, a change to the tree itself, a write tied to no branch);
- a version per branch, replaced by writes whose effect stays within the branch and its
  ancestors (a record, a target, a submission): a write at an outlet replaces the versions of the
  outlet, its sub-branch, city, province and the head office, and leaves the other 18,000
  branches' cached figures alone;
- beside it, a version per branch and topic (what was written: a model's label), for what shows
  only some tables: a dashboard's notable records are kept under the versions of the kinds they
  show, so saving a home visit leaves them cached. A write that names no topic replaces the
  branch's "any topic" version, which is part of every topic's token (topic_token()).

Writers at every layer (the audit log, the roll-up store, a rebuild) call data_changed(); they
need not know who caches.
"""

import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

EPOCH_KEY = "dashboard:epoch"
VERSION_KEY = "dashboard:branch:%s"
TOPIC_KEY = "dashboard:branch:%s:topic:%s"  # branch id, topic
ANY_TOPIC = "*"


def data_changed(branch_ids: Iterable[int] | None = None, topic: str | None = None) -> None:
    """Call inside the writing transaction: cached parts stop being served once it commits.

    branch_ids: the branches whose subtree the write changed, each with every ancestor (a
    branch's path); None when the write may show anywhere. topic: what was written (the label
    of its model, such as "honours.honour"); None when unknown, which every topic hears."""
    if branch_ids is None:
        transaction.on_commit(new_epoch, robust=True)
        return
    ids = sorted(set(branch_ids))
    if ids:
        transaction.on_commit(lambda: new_versions(ids, topic), robust=True)


def new_epoch() -> None:
    try:
        cache.set(EPOCH_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache is down: cached parts expire on their own
        log.warning("cache: could not replace the data epoch", exc_info=True)


def new_versions(branch_ids: Iterable[int], topic: str | None = None) -> None:
    entries = {}
    for pk in branch_ids:
        entries[VERSION_KEY % pk] = entries[TOPIC_KEY % (pk, topic or ANY_TOPIC)] = uuid.uuid4().hex
    try:
        cache.set_many(entries, None)
    except Exception:  # the cache is down: cached parts expire on their own
        log.warning("cache: could not replace branch versions", exc_info=True)


def current_versions(branch_ids: Iterable[int]) -> dict[int, str]:
    """{branch id: its version, with the data epoch}: one round trip, plus one per token the
    cache holds none of (never written, or evicted: a fresh one, so nothing kept under an older
    one is served)."""
    keys = {pk: VERSION_KEY % pk for pk in branch_ids}
    found = _tokens(list(keys.values()))
    return {pk: f"{found[EPOCH_KEY]}.{found[key]}" for pk, key in keys.items()}


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
