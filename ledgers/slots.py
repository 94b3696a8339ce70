"""How many ledger imports may run at once: LEDGER_IMPORTS_PER_USER per user (2) and
LEDGER_IMPORTS_TOTAL in the whole portal (4), whatever the number of processes and servers.

Each import holds a database connection and a CPU while it runs; eight at once by one user held
eight connections and slowed /healthz to seconds (issue 15). The job rows are the count: a job
takes its slot by entering a running state (checking or committing) inside `take`, which counts
the running rows under a lock (an advisory lock on PostgreSQL; SQLite's IMMEDIATE transactions
already let one writer in at a time), so two requests cannot both take the last slot. A job
frees its slot by leaving the running states. A worker that died leaves its row running: a row
without progress for STALLED_AFTER (15 minutes: a 50,000-row import takes well under a minute)
no longer counts.

Nothing here knows how a job is run: a task queue that takes the imports over calls `take`
around the same state change.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledgers.models import ImportJob

STALLED_AFTER = timedelta(minutes=15)
RETRY_AFTER_SECONDS = 30
LOCK_KEY = 0x1ED6E5  # pg_advisory_xact_lock key of the import slots


class ImportsBusy(Exception):
    """No slot: the user's own imports, or the portal's, are at their limit."""

    retry_after = RETRY_AFTER_SECONDS


def per_user() -> int:
    return getattr(settings, "LEDGER_IMPORTS_PER_USER", 2)


def total() -> int:
    return getattr(settings, "LEDGER_IMPORTS_TOTAL", 4)


def running():
    """The jobs that hold a slot: running, with progress within STALLED_AFTER."""
    return ImportJob.objects.filter(state__in=ImportJob.RUNNING, updated_at__gte=timezone.now() - STALLED_AFTER)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def take(user, enter: Callable[[], object]):
    """Call `enter` (which puts a job of the user into a running state) if a slot is free;
    ImportsBusy otherwise. Returns what `enter` returns."""
    with transaction.atomic():
        _lock()
        mine = running().filter(user=user).count()
        if mine >= per_user():
            raise ImportsBusy(
                _("You already have %(n)s ledger imports running. Wait until one has finished, then try again.")
                % {"n": mine}
            )
        everyone = running().count()
        if everyone >= total():
            raise ImportsBusy(
                _("%(n)s ledger imports are running in the portal, the most it runs at once. Try again in a minute.")
                % {"n": everyone}
            )
        return enter()
