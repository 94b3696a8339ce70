"""The data epoch: one token that every committed write replaces.

Whatever caches something derived from the records (the dashboards' store-derived parts) keys
it by the epoch, so nothing cached is older than the last write that committed. Writers at
every layer (the audit log, the roll-up store, a rebuild) call data_changed(); they need not
know who caches.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

EPOCH_KEY = "dashboard:epoch"


def data_changed() -> None:
    """Call inside the writing transaction: cached parts stop being served once it commits."""
    transaction.on_commit(new_epoch, robust=True)


def new_epoch() -> None:
    try:
        cache.set(EPOCH_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache is down: cached parts expire on their own
        log.warning("cache: could not replace the data epoch", exc_info=True)


def current_epoch() -> str:
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, uuid.uuid4().hex, None)
        epoch = cache.get(EPOCH_KEY)
    return epoch
