"""Writes to the roll-up store: incremental deltas from services (the full rebuild is in
metrics/rebuild.py). Both read the same `measures` declarations of the record kinds.
"""

from collections import Counter

from django.db import connection

from branches.models import path_ids
from metrics.catalogue import DISTINCT, Measure, split_key
from metrics.models import DistinctMember, MetricValue

# (month, metric, split) -> store units
Contribution = Counter
# (month, metric, split, member) -> refs
Membership = Counter


def record_models() -> list[type]:
    """Every record kind that contributes to the catalogue."""
    from portal.kinds import record_kinds

    return [k.model for k in record_kinds()]


def _splits(measure: Measure, obj) -> list[str]:
    return [""] + [split_key(dim, getattr(obj, dim)) for dim in measure.spec.split_by]


def contributions_of(obj) -> tuple[Contribution, Membership]:
    """What one record adds to the store, for its own node (ancestors get the same)."""
    sums: Contribution = Counter()
    members: Membership = Counter()
    for measure in type(obj).measures:
        if not measure.applies_to(obj):
            continue
        month = getattr(obj, measure.date_field).replace(day=1)
        if measure.spec.aggregation == DISTINCT:
            member = getattr(obj, measure.member)
            for split in _splits(measure, obj):
                members[(month, measure.metric, split, member)] += measure.sign
            continue
        raw = 1 if measure.value is None else getattr(obj, measure.value)
        if raw is None:
            continue
        units = measure.spec.to_store(raw) * measure.sign
        for split in _splits(measure, obj):
            sums[(month, measure.metric, split)] += units
    return sums, members


def accumulate(sums: Counter, members: Counter, state: tuple[str, Contribution, Membership], sign: int = 1) -> None:
    """Add one record's state (branch path, sums, members) at its node and every ancestor."""
    path, state_sums, state_members = state
    for branch_id in path_ids(path):
        for key, units in state_sums.items():
            sums[(branch_id, *key)] += sign * units
        for key, refs in state_members.items():
            members[(branch_id, *key)] += sign * refs


def apply_change(old, new) -> None:
    """Subtract the record's old state and add its new one (either may be None)."""
    sums: Counter = Counter()
    members: Counter = Counter()
    if old is not None:
        accumulate(sums, members, old, -1)
    if new is not None:
        accumulate(sums, members, new, 1)
    add_to_store(sums, members)


def add_to_store(sums: Counter, members: Counter) -> None:
    """Upsert the deltas; one statement per table, so concurrent writers add up, never overwrite."""
    sum_rows = [(*key, units) for key, units in sums.items() if units]
    member_rows = [(*key, refs) for key, refs in members.items() if refs]
    # Table names come from the models, never from input.
    vt, mt = MetricValue._meta.db_table, DistinctMember._meta.db_table
    with connection.cursor() as cursor:
        if sum_rows:
            cursor.executemany(
                f"INSERT INTO {vt} (branch_id, month, metric, split, value) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (branch_id, month, metric, split) DO UPDATE SET value = {vt}.value + excluded.value",
                sorted(sum_rows),
            )
        if member_rows:
            cursor.executemany(
                f"INSERT INTO {mt} (branch_id, month, metric, split, member, refs) VALUES (%s, %s, %s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (branch_id, month, metric, split, member) DO UPDATE SET refs = {mt}.refs + excluded.refs",
                sorted(member_rows),
            )


def record_state(obj) -> tuple[str, Contribution, Membership]:
    sums, members = contributions_of(obj)
    return obj.branch.path, sums, members


def current_store() -> tuple[Counter, Counter]:
    """The store's non-zero rows as Counters (tests compare them with a recomputation)."""
    sums = Counter(
        {
            (b, m, metric, split): v
            for b, m, metric, split, v in MetricValue.objects.exclude(value=0).values_list(
                "branch_id", "month", "metric", "split", "value"
            )
        }
    )
    members = Counter(
        {
            (b, m, metric, split, member): r
            for b, m, metric, split, member, r in DistinctMember.objects.exclude(refs=0).values_list(
                "branch_id", "month", "metric", "split", "member", "refs"
            )
        }
    )
    return sums, members
