"""Property: after any sequence of creates, edits and deletes across a random tree, the roll-up
store equals a recomputation from the records, at every node."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from branches.models import Branch, Staff
from branches.services import branch_create
from metrics.rebuild import compute_from_records
from metrics.rollup import current_store
from tests.kinds import KINDS

KIND_BY_NAME = {k.slug: k for k in KINDS}
PICKED = ["outreach-events", "financing", "interventions", "teams", "honours", "volunteer-activities", "study-sessions"]
STAFF: list = []  # staff at the example's root, whom any record of the tree may name

FIELDS = {
    "outreach-events": lambda d: dict(
        venue_type=d.draw(st.sampled_from(["community", "school"])),
        theme=d.draw(st.sampled_from(["anti_fraud", "pension"])),
        attendees=d.draw(st.integers(0, 500)),
    ),
    "financing": lambda d: dict(
        sector=d.draw(st.sampled_from(["tech", "inclusive"])),
        product="other",
        counterparty=d.draw(st.sampled_from(["甲公司", "乙公司", "丙公司"])),
        amount=Decimal(d.draw(st.integers(0, 10**9))) / 100,
    ),
    "interventions": lambda d: dict(
        channel="atm",
        fraud_type=d.draw(st.sampled_from(["romance", "online_loan"])),
        amount_at_risk=Decimal(d.draw(st.integers(0, 10**6))),
    ),
    "teams": lambda d: dict(
        kind=d.draw(st.sampled_from(["party_commando", "youth_vanguard"])),
        name="队",
        disbanded_on=d.draw(st.one_of(st.none(), st.dates(datetime.date(2025, 6, 1), datetime.date(2025, 12, 31)))),
    ),
    "honours": lambda d: dict(
        kind=d.draw(st.sampled_from(["pennant", "title"])),
        level=d.draw(st.sampled_from(["city", "community"])),
        title="荣誉",
    ),
    "study-sessions": lambda d: dict(
        session_type=d.draw(st.sampled_from(["theory", "clean_reading"])),
        title="学习",
        participants=(named := d.draw(st.lists(st.sampled_from(STAFF), unique=True, max_size=3))),
        person_times=len(named) + d.draw(st.integers(1, 20)),
    ),
    "volunteer-activities": lambda d: dict(
        theme="community", participants=d.draw(st.integers(1, 50)), hours=Decimal(d.draw(st.integers(0, 999))) / 10
    ),
}


class RollupProperty(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_store_equals_recomputation(self, data):
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.create_superuser(f"root{Branch.objects.count()}", password="x")
        nodes = [branch_create(user=admin, code=f"R{Branch.objects.count()}", name="根", level="head_office")]
        STAFF[:] = [Staff.objects.create(branch=nodes[0], name=f"员工{i}") for i in range(4)]
        for i in range(data.draw(st.integers(1, 7))):
            parent = data.draw(st.sampled_from(nodes))
            nodes.append(
                branch_create(
                    user=admin, code=f"N{Branch.objects.count()}-{i}", name="节点", level="outlet", parent=parent
                )
            )
        live = []
        for _ in range(data.draw(st.integers(1, 12))):
            action = data.draw(st.sampled_from(["create", "create", "edit", "delete"]))
            if action == "create" or not live:
                kind = KIND_BY_NAME[data.draw(st.sampled_from(PICKED))]
                fields = FIELDS[kind.slug](data) | {
                    "branch": data.draw(st.sampled_from(nodes)),
                    "occurred_on": data.draw(st.dates(datetime.date(2024, 1, 1), datetime.date(2025, 5, 31))),
                }
                live.append((kind, kind.create(user=admin, **fields)))
            elif action == "edit":
                kind, obj = live[data.draw(st.integers(0, len(live) - 1))]
                change = FIELDS[kind.slug](data) | {"branch": data.draw(st.sampled_from(nodes))}
                if data.draw(st.booleans()):
                    change["occurred_on"] = data.draw(st.dates(datetime.date(2024, 1, 1), datetime.date(2025, 5, 31)))
                index = next(i for i, (_k, o) in enumerate(live) if o.pk == obj.pk and _k is kind)
                live[index] = (kind, kind.update(obj, user=admin, **change))
            else:
                kind, obj = live.pop(data.draw(st.integers(0, len(live) - 1)))
                kind.delete(obj, user=admin)
        expected_sums, expected_members = compute_from_records()
        actual_sums, actual_members = current_store()
        assert actual_sums == expected_sums
        assert actual_members == expected_members


pytestmark = pytest.mark.django_db
