"""Two people save the same record at the same moment: exactly one wins, the other is told."""

import threading

import pytest
from django.db import connection

from audit.models import AuditEntry
from core.errors import StaleEdit
from services.models import OutreachEvent
from services.services import outreach_event_create, outreach_event_update
from tests.conftest import record_data

ROUNDS = 50


def _edit(event, user, version, attendees, barrier, outcomes):
    try:
        barrier.wait()
        outreach_event_update(event, user=user, expected_version=version, attendees=attendees)
        outcomes.append(("saved", attendees))
    except StaleEdit:
        outcomes.append(("stale", attendees))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_edits_one_wins_one_conflicts_nothing_lost(net, staff_qk, manager_qk):
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    for round_ in range(ROUNDS):
        version = OutreachEvent.objects.get(pk=event.pk).version
        barrier = threading.Barrier(2)
        outcomes = []

        threads = [
            threading.Thread(target=_edit, args=(event, staff_qk, version, 1000 + round_, barrier, outcomes)),
            threading.Thread(target=_edit, args=(event, manager_qk, version, 2000 + round_, barrier, outcomes)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(kind for kind, _ in outcomes) == ["saved", "stale"], outcomes
        winner = next(value for kind, value in outcomes if kind == "saved")
        current = OutreachEvent.objects.get(pk=event.pk)
        assert current.attendees == winner and current.version == version + 1
    updates = AuditEntry.objects.filter(action="update", object_id=event.pk, content_type__model="outreachevent")
    assert updates.count() == ROUNDS
