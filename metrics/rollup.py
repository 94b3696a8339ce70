"""Writes to the roll-up store: incremental deltas from services (the full rebuild is in
metrics/rebuild.py). Both read the same `measures` declarations of the record kinds.

Sums go to MetricValue as additive upserts. A distinct metric keeps, per node, split, year and
member, how many records name the member in each month (DistinctMember); when a month's counter
crosses zero the member starts or stops counting in that month, its quarter or its year, and the
precomputed DistinctCount changes by one. The upsert returns the new counters, so a write knows
the crossing without reading anything else; concurrent writers of the same member wait on its
row, so the crossings they see are the true ones.
"""

import datetime
import operator
from collections import Counter, defaultdict

from django.db import connection
from django.db.models import prefetch_related_objects

from branches.models import path_ids
from core.catalogue import DISTINCT, Measure, split_key
from core.freshness import data_changed, earliest_year
from metrics.models import MONTH_FIELDS, QUARTER_FIELDS, DistinctCount, DistinctMember, MetricValue

# (month, metric, split) -> store units
Contribution = Counter
# (month, metric, split, member) -> refs
Membership = Counter

ROWS_PER_STATEMENT = 500
COUNT_FIELDS = (*MONTH_FIELDS, *QUARTER_FIELDS, "total")


def record_models() -> list[type]:
    """Every record kind that contributes to the catalogue."""
    from core.kinds import record_kinds

    return [k.model for k in record_kinds()]


def _splits(measure: Measure, obj) -> list[str]:
    return [""] + [split_key(dim, getattr(obj, dim)) for dim in measure.spec.split_by]


def many_to_many(model, name: str) -> bool:
    """Is the measure's member field a many-to-many field (each related object a member)?"""
    return model._meta.get_field(name).many_to_many


def m2m_members(model) -> tuple[str, ...]:
    """The many-to-many fields the kind's distinct measures count members of."""
    return tuple(sorted({m.member for m in model.measures if m.member and many_to_many(model, m.member)}))


def members_of(obj, measure: Measure) -> list:
    """The members a record names for a distinct measure: the field's value, or for a
    many-to-many field the primary key (as text) of each related object."""
    if not many_to_many(type(obj), measure.member):
        return [getattr(obj, measure.member)]
    return [str(related.pk) for related in getattr(obj, measure.member).all()]


def contributions_of(obj) -> tuple[Contribution, Membership]:
    """What one record adds to the store, for its own node (ancestors get the same)."""
    sums: Contribution = Counter()
    members: Membership = Counter()
    for measure in type(obj).measures:
        if not measure.applies_to(obj):
            continue
        month = getattr(obj, measure.date_field).replace(day=1)
        if measure.spec.aggregation == DISTINCT:
            for member in members_of(obj, measure):
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


def accumulate_many(states, sign: int = 1) -> tuple[Counter, Counter]:
    """accumulate() for many records: own-node totals first, then each node's to its ancestors
    (a bulk import touches each ancestor once per key, not once per record)."""
    own_sums: Counter = Counter()
    own_members: Counter = Counter()
    paths: dict[int, str] = {}
    for path, state_sums, state_members in states:
        branch_id = path_ids(path)[-1]
        paths[branch_id] = path
        for key, units in state_sums.items():
            own_sums[(branch_id, *key)] += sign * units
        for key, refs in state_members.items():
            own_members[(branch_id, *key)] += sign * refs
    sums: Counter = Counter()
    members: Counter = Counter()
    ancestors = {branch_id: path_ids(path) for branch_id, path in paths.items()}
    for (branch_id, *key), units in own_sums.items():
        for node in ancestors[branch_id]:
            sums[(node, *key)] += units
    for (branch_id, *key), refs in own_members.items():
        for node in ancestors[branch_id]:
            members[(node, *key)] += refs
    return sums, members


def _measure_inputs(model) -> tuple[str, ...]:
    """The attributes contributions_of() reads from a record of this kind."""
    names: set[str] = set()
    for m in model.measures:
        names.update(n for n in (m.date_field, m.value, m.member) if n)
        names.update(m.spec.split_by)
        names.update(lookup.partition("__")[0] for lookup in (*m.when, *m.unless))
    return tuple(sorted(names - set(m2m_members(model))))  # related objects are read apart


def _input_reader(objs: list):
    """A function giving what contributions_of() reads from a record of these (one kind's):
    its attributes, and the keys of the related objects of its many-to-many members, read
    for all the records with one query per field, never one per record."""
    model = type(objs[0])
    names = _measure_inputs(model)
    plain = operator.attrgetter(*names) if names else (lambda obj: ())
    related = m2m_members(model)
    if not related:
        return plain
    prefetch_related_objects(objs, *related)
    return lambda obj: (plain(obj), tuple(tuple(sorted(r.pk for r in getattr(obj, n).all())) for n in related))


def accumulate_records(objs: list, sign: int = 1) -> tuple[Counter, Counter]:
    """accumulate_many() of the states of many records of one kind: records alike in every
    attribute their kind's measures read share one contributions_of(), weighted by their number
    at each node (an import repeats the same dates and choices thousands of times)."""
    if not objs:
        return Counter(), Counter()
    inputs = _input_reader(objs)
    try:
        keys = [(obj.branch_id, inputs(obj)) for obj in objs]
        tally = Counter(keys)
    except TypeError:  # an unhashable value: one computation per record
        return accumulate_many((record_state(obj) for obj in objs), sign)
    examples = dict(zip(keys, objs, strict=True))
    contributions: dict = {}
    states = []
    for (branch_id, values), count in tally.items():
        example = examples[(branch_id, values)]
        if values not in contributions:
            contributions[values] = contributions_of(example)
        sums, members = contributions[values]
        states.append((example.branch.path, _times(sums, count), _times(members, count)))
    return accumulate_many(states, sign)


def _times(counter: Counter, factor: int) -> Counter:
    return Counter({key: value * factor for key, value in counter.items()})


def apply_change(old, new) -> None:
    """Subtract the record's old state and add its new one (either may be None)."""
    sums: Counter = Counter()
    members: Counter = Counter()
    if old is not None:
        accumulate(sums, members, old, -1)
    if new is not None:
        accumulate(sums, members, new, 1)
    add_to_store(sums, members)


def _chunks(rows: list, size: int = ROWS_PER_STATEMENT):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _upsert(cursor, table: str, keys: tuple, values: tuple, rows: list, returning: bool = False) -> list:
    """Multi-row INSERT ... ON CONFLICT DO UPDATE adding to the value columns (both databases).

    Rows go in key order, so concurrent writers lock shared rows in the same order."""
    columns = (*keys, *values)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Table and column names come from the models, never from input.
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    tail = (
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values)
        + (f" RETURNING {', '.join(columns)}" if returning else "")
    )
    out = []
    for chunk in _chunks(rows):
        cursor.execute(head + ", ".join([one] * len(chunk)) + tail, [x for row in chunk for x in row])
        if returning:
            out.extend(cursor.fetchall())
    return out


def add_to_store(sums: Counter, members: Counter) -> None:
    """Upsert the deltas; one statement per table and chunk, so concurrent writers add up,
    never overwrite."""
    sum_rows = sorted((b, metric, split, month, units) for (b, month, metric, split), units in sums.items() if units)
    by_year: dict[tuple, list[int]] = defaultdict(lambda: [0] * 12)
    for (b, month, metric, split, member), refs in members.items():
        if refs:
            by_year[(b, metric, split, month.year, member)][month.month - 1] += refs
    member_rows = sorted((*key, *months) for key, months in by_year.items() if any(months))
    if not sum_rows and not member_rows:
        return
    with connection.cursor() as cursor:
        if sum_rows:
            _upsert(cursor, MetricValue._meta.db_table, ("branch_id", "metric", "split", "month"), ("value",), sum_rows)
        if member_rows:
            _add_members(cursor, member_rows)
    # Keys lead with the node (the record's branch and each of its ancestors), then the month.
    data_changed(
        {key[0] for key in sums} | {key[0] for key in members},
        topic=MetricValue._meta.label_lower,
        since=earliest_year(*(key[1] for key in [*sums, *members])),
        metrics={key[2] for key in [*sums, *members]},
    )


def _add_members(cursor, member_rows: list) -> None:
    keys = ("branch_id", "metric", "split", "year", "member")
    returned = _upsert(cursor, DistinctMember._meta.db_table, keys, MONTH_FIELDS, member_rows, returning=True)
    delta = {tuple(row[:5]): row[5:] for row in member_rows}
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNT_FIELDS))
    for row in returned:
        key, new = _normal_key(tuple(row[:5])), [int(v) for v in row[5:]]
        old = [n - d for n, d in zip(new, delta[key], strict=True)]
        change = [a - b for a, b in zip(presence(new), presence(old), strict=True)]
        if any(change):
            target = counts[key[:4]]
            for i, c in enumerate(change):
                target[i] += c
    count_rows = sorted((*key, *values) for key, values in counts.items() if any(values))
    if count_rows:
        _upsert(cursor, DistinctCount._meta.db_table, keys[:4], COUNT_FIELDS, count_rows)


def _normal_key(key: tuple) -> tuple:
    """A returned key in the types it was sent with."""
    branch_id, metric, split, year, member = key
    return (int(branch_id), metric, split, int(year), member)


def presence(months: list[int]) -> list[int]:
    """1/0 per month, quarter and the year: does the member count there (any record)?"""
    in_month = [1 if refs > 0 else 0 for refs in months]
    quarters = [1 if any(in_month[3 * q : 3 * q + 3]) else 0 for q in range(4)]
    return [*in_month, *quarters, 1 if any(in_month) else 0]


def record_state(obj) -> tuple[str, Contribution, Membership]:
    sums, members = contributions_of(obj)
    return obj.branch.path, sums, members


def count_key(year: int, slot: str) -> str:
    """How current_store() and the rebuild name a precomputed distinct count: "2025:q3"."""
    return f"{year}:{slot}"


def current_store() -> tuple[Counter, Counter]:
    """The store's non-zero entries as Counters (tests compare them with a recomputation).

    sums: (branch, month, metric, split) -> value, plus (branch, "2025:q3", metric, split) ->
    distinct count; members: (branch, month, metric, split, member) -> records naming it."""
    sums = Counter(
        {
            (b, m, metric, split): v
            for b, m, metric, split, v in MetricValue.objects.exclude(value=0).values_list(
                "branch_id", "month", "metric", "split", "value"
            )
        }
    )
    for b, metric, split, year, *values in DistinctCount.objects.values_list(
        "branch_id", "metric", "split", "year", *COUNT_FIELDS
    ):
        for slot, value in zip(COUNT_FIELDS, values, strict=True):
            if value:
                sums[(b, count_key(year, slot), metric, split)] = value
    members = Counter()
    for b, metric, split, year, member, *months in DistinctMember.objects.values_list(
        "branch_id", "metric", "split", "year", "member", *MONTH_FIELDS
    ):
        for index, refs in enumerate(months):
            if refs:
                members[(b, datetime.date(year, index + 1, 1), metric, split, member)] = refs
    return sums, members
