"""Which records a user wrote, read from their audit entries rather than from the record tables.

The record tables have no index by author (every insert would pay for one), so "the user's own
records" filtered by created_by scans a whole scope's records: at the root, every record of the
network. The audit log is indexed by user: the user's newest entries that created records (one
by one, or in a bulk write or a ledger import, whose entry names a range of ids) name the
candidates, and the records are then read by primary key, still filtered by author and scope.
What this costs depends on the user's own writes, never on the size of the network.
"""

from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from core.kinds import record_kinds

ENTRIES = 200  # the user's newest entries that created records, read to find them
PER_BATCH = 20  # of a bulk write's or import's records: its last ones

A = AuditEntry.Action


def authored_ids(user) -> dict[type, list[int]]:
    """{record model: ids of the records the user created lately} from their newest ENTRIES
    audit entries that created records: one query, through the audit log's index on user."""
    models = {ContentType.objects.get_for_model(k.model).pk: k.model for k in record_kinds()}
    entries = (
        AuditEntry.objects.filter(user=user, action__in=[A.CREATE, A.IMPORT], content_type_id__in=list(models))
        .order_by("-id")
        .values_list("content_type_id", "object_id", "last_object_id")[:ENTRIES]
    )
    found: dict[type, list[int]] = {}
    for content_type, first, last in entries:
        if first is None:
            continue
        ids = [first] if last is None else range(max(first, last - PER_BATCH + 1), last + 1)
        found.setdefault(models[content_type], []).extend(ids)
    return found
