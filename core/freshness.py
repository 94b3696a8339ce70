"""Data freshness tokens: what a cache of something derived from the records keys its entries by.

Two kinds, both replaced when the writing transaction commits, so nothing cached is older than
the last write that committed:

- the data epoch, one token for everything: replaced by writes that may show anywhere (a rebuild
  of the roll-up store, a change to the tree itself, a write tied to no branch);
- a version per branch, replaced by writes whose effect stays within the branch and its
  ancestors (a record, a target, a submission): a write at an outlet replaces the versions of the
  outlet, its sub-branch, city, province and the head office, and leaves the other 18,000
  branches' cached figures alone.

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


def data_changed(branch_ids: Iterable[int] | None = None) -> None:
    """Call inside the writing transaction: cached parts stop being served once it commits.

    branch_ids: the branches whose subtree the write changed, each with every ancestor (a
    branch's path); None when the write may show anywhere."""
    if branch_ids is None:
        transaction.on_commit(new_epoch, robust=True)
        return
    ids = sorted(set(branch_ids))
    if ids:
        transaction.on_commit(lambda: new_versions(ids), robust=True)


def new_epoch() -> None:
    try:
        cache.set(EPOCH_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache is down: cached parts expire on their own
        log.warning("cache: could not replace the data epoch", exc_info=True)


def new_versions(branch_ids: Iterable[int]) -> None:
    try:
        cache.set_many({VERSION_KEY % pk: uuid.uuid4().hex for pk in branch_ids}, None)
    except Exception:  # the cache is down: cached parts expire on their own
        log.warning("cache: could not replace branch versions", exc_info=True)


def current_epoch() -> str:
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, uuid.uuid4().hex, None)
        epoch = cache.get(EPOCH_KEY)
    return epoch


def current_versions(branch_ids: Iterable[int]) -> dict[int, str]:
    """{branch id: its version}: one round trip, plus one per branch the cache holds no version
    of (never written, or evicted: a fresh one, so nothing kept under an older one is served)."""
    keys = {pk: VERSION_KEY % pk for pk in branch_ids}
    found = cache.get_many(list(keys.values()))
    out = {}
    for pk, key in keys.items():
        if key not in found:
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
        out[pk] = found[key]
    return out
