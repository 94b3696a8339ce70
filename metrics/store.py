"""Writes to the roll-up store: incremental deltas from services, and the full rebuild.

Both read the same `measures` declarations of the record kinds.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from branches.models import Branch, path_ids
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


# --- full rebuild ------------------------------------------------------------------------


def _measure_queryset(model, measure: Measure):
    qs = model.objects.filter(**{f"{measure.date_field}__isnull": False})
    if measure.when:
        qs = qs.filter(**measure.when)
    if measure.unless:
        qs = qs.exclude(Q(**measure.unless))
    return qs.annotate(m=TruncMonth(measure.date_field)).order_by()


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def compute_from_records(models: Iterable[type] | None = None) -> tuple[Counter, Counter]:
    """The store's expected content, aggregated by the database from the record tables."""
    paths = dict(Branch.objects.values_list("id", "path"))
    own_sums: Counter = Counter()
    own_members: Counter = Counter()
    for model in models or record_models():
        for measure in model.measures:
            spec = measure.spec
            qs = _measure_queryset(model, measure)
            for dim in (None, *spec.split_by):
                group = ["branch_id", "m"] + ([dim] if dim else [])
                if spec.aggregation == DISTINCT:
                    rows = qs.values(*group, measure.member).annotate(n=Count("id"))
                    for row in rows:
                        split = split_key(dim, row[dim]) if dim else ""
                        key = (row["branch_id"], _as_date(row["m"]), spec.key, split, row[measure.member])
                        own_members[key] += measure.sign * row["n"]
                    continue
                agg = Count("id") if measure.value is None else Sum(measure.value)
                for row in qs.values(*group).annotate(v=agg):
                    if row["v"] is None:
                        continue
                    split = split_key(dim, row[dim]) if dim else ""
                    own_sums[(row["branch_id"], _as_date(row["m"]), spec.key, split)] += (
                        spec.to_store(row["v"]) * measure.sign
                    )
    return _roll_up(own_sums, paths), _roll_up(own_members, paths)


def _roll_up(own: Counter, paths: dict[int, str]) -> Counter:
    rolled: Counter = Counter()
    for (branch_id, *rest), value in own.items():
        for ancestor in path_ids(paths[branch_id]):
            rolled[(ancestor, *rest)] += value
    return Counter({k: v for k, v in rolled.items() if v})


def current_store() -> tuple[Counter, Counter]:
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


def differences(expected: Counter, actual: Counter, limit: int = 20) -> tuple[int, list[str]]:
    keys = set(expected) | set(actual)
    diffs = sorted(k for k in keys if expected.get(k, 0) != actual.get(k, 0))
    lines = [f"{k}: store {actual.get(k, 0)}, records {expected.get(k, 0)}" for k in diffs[:limit]]
    return len(diffs), lines


@transaction.atomic
def rebuild() -> dict:
    """Replace the store with a recomputation from the records; report how it differed."""
    expected_sums, expected_members = compute_from_records()
    actual_sums, actual_members = current_store()
    n_sums, sum_lines = differences(expected_sums, actual_sums)
    n_members, member_lines = differences(expected_members, actual_members)
    MetricValue.objects.all().delete()
    DistinctMember.objects.all().delete()
    MetricValue.objects.bulk_create(
        (MetricValue(branch_id=b, month=m, metric=k, split=s, value=v) for (b, m, k, s), v in expected_sums.items()),
        batch_size=5000,
    )
    DistinctMember.objects.bulk_create(
        (
            DistinctMember(branch_id=b, month=m, metric=k, split=s, member=mem, refs=r)
            for (b, m, k, s, mem), r in expected_members.items()
        ),
        batch_size=5000,
    )
    return {
        "rows": len(expected_sums),
        "member_rows": len(expected_members),
        "differences": n_sums + n_members,
        "examples": sum_lines + member_lines,
    }
