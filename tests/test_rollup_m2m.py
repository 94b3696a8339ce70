"""Distinct metrics whose members are the related objects of a many-to-many field (a study
session's participants): each related object counts once per node and period, whatever the
write (create, an edit of the relation only, a bulk write, a delete), and the incremental store,
the rebuild's recomputation and its checksums (PostgreSQL) agree. Swept over every such measure
the registry's kinds declare."""

import datetime

import pytest
from django.db import connection

from core.catalogue import DISTINCT
from core.kinds import record_kinds
from core.periods import parse_period
from metrics.models import DistinctMember
from metrics.rebuild import compute_from_records, rebuild
from metrics.rollup import current_store, many_to_many
from metrics.selectors import totals
from records.services import record_bulk_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")
MEASURES = [
    (kind, m)
    for kind in record_kinds()
    for m in kind.model.measures
    if m.spec.aggregation == DISTINCT and many_to_many(kind.model, m.member)
]


def test_some_kind_counts_members_over_a_relation():
    assert MEASURES


def assert_store_equals_records():
    assert current_store() == compute_from_records()
    report = rebuild()
    assert report["differences"] == 0, report["examples"]
    if connection.vendor == "postgresql":  # the checksums of records and store agree: no row-by-row pass
        assert report["checked"] == "checksums"


@pytest.mark.parametrize(("kind", "measure"), MEASURES, ids=[f"{k.slug}.{m.metric}" for k, m in MEASURES])
def test_related_objects_count_once_per_node_and_period(kind, measure, net, root_user):
    code = kind.sample.branch
    a, b, c = (net.staff(code, name) for name in ("甲", "乙", "丙"))
    fields = record_data(kind.slug, net)
    first = kind.create(user=root_user, **fields, **{measure.member: [a, b]})
    second = kind.create(
        user=root_user,
        **(fields | {"occurred_on": fields["occurred_on"] + datetime.timedelta(days=1)}),
        **{measure.member: [b, c]},
    )

    def count(node="WH", period=Y2025):
        return totals(net[node], period, [measure.metric])[measure.metric]

    assert count() == count(code) == 3
    assert count(period=parse_period("2024")) == 0
    assert_store_equals_records()
    first = kind.update(first, user=root_user, **{measure.member: [c]})  # the relation alone changes
    assert count() == 2
    assert_store_equals_records()
    kind.delete(second, user=root_user)
    assert count() == 1
    assert_store_equals_records()
    rows = [fields | {"occurred_on": datetime.date(2025, m, 3)} for m in (1, 2, 2)]
    record_bulk_create(
        kind.model, user=root_user, rows=rows, m2m_rows=[{measure.member: [a]}, {measure.member: [a, b]}, {}]
    )
    assert count() == 3 and count(period=parse_period("2025-02")) == 2
    assert_store_equals_records()
    # A lost member row is found and repaired.
    DistinctMember.objects.filter(metric=measure.metric, member=str(a.pk)).first().delete()
    assert rebuild()["differences"] > 0
    assert_store_equals_records()
