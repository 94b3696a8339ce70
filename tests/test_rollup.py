"""The roll-up store: every ancestor, every split, stocks and distinct counts, rebuild --verify."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from antifraud.services import intervention_create, intervention_transition
from core.periods import parse_period
from metrics.models import MetricValue
from metrics.selectors import split_totals, totals
from services.services import (
    financing_create,
    financing_delete,
    financing_update,
    outreach_event_create,
    outreach_event_update,
)
from tests.conftest import record_data
from volunteering.services import team_create, team_update

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")


def test_a_record_counts_at_its_node_and_every_ancestor_only(net, staff_qk):
    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    for code in ("WH-QK-01", "WH-QK", "WH", "ICBC"):
        assert totals(net[code], Y2025)["outreach_events"] == 1
        assert totals(net[code], Y2025)["outreach_attendees"] == 40
    for code in ("WH-QK-02", "WH-BBT"):
        assert totals(net[code], Y2025)["outreach_events"] == 0
    assert totals(net["WH"], parse_period("2024"))["outreach_events"] == 0
    assert totals(net["WH"], parse_period("2025-08"))["outreach_events"] == 1
    assert totals(net["WH"], parse_period("2025Q3"))["outreach_events"] == 1
    assert totals(net["WH"], parse_period("2025Q2"))["outreach_events"] == 0


def test_moving_a_record_moves_its_numbers(net, manager_qk):
    event = outreach_event_create(user=manager_qk, **record_data("outreach-events", net))
    outreach_event_update(
        event, user=manager_qk, branch=net["WH-QK-02"], occurred_on=datetime.date(2025, 3, 2), attendees=10
    )
    assert totals(net["WH-QK-01"], Y2025)["outreach_events"] == 0
    assert totals(net["WH-QK-02"], parse_period("2025-03"))["outreach_attendees"] == 10
    assert totals(net["WH-QK"], Y2025)["outreach_attendees"] == 10
    assert split_totals(net["WH"], Y2025, "outreach_events") == {"theme:anti_fraud": 1}


def test_money_is_exact_and_only_police_confirmed_funds_count(net, staff_qk):
    case = intervention_create(user=staff_qk, **record_data("interventions", net))
    assert totals(net["WH"], Y2025)["antifraud_interventions"] == 1
    assert totals(net["WH"], Y2025)["antifraud_funds_protected_cny"] == Decimal("0.00")
    case = intervention_transition(case, user=staff_qk, status="police_notified")
    case = intervention_transition(case, user=staff_qk, status="police_attended", police_unit="硚口区分局")
    assert totals(net["WH"], Y2025)["antifraud_funds_protected_cny"] == Decimal("0.00")
    intervention_transition(case, user=staff_qk, status="confirmed", amount_protected=Decimal("199999.99"))
    assert totals(net["ICBC"], Y2025)["antifraud_funds_protected_cny"] == Decimal("199999.99")
    assert split_totals(net["WH"], Y2025, "antifraud_funds_protected_cny") == {
        "fraud_type:high_yield": Decimal("199999.99")
    }


def test_customer_proceeded_is_not_an_interception(net, staff_qk):
    case = intervention_create(user=staff_qk, **record_data("interventions", net))
    intervention_transition(case, user=staff_qk, status="customer_proceeded")
    assert totals(net["WH"], Y2025)["antifraud_interventions"] == 0


def test_teams_active_is_the_level_at_the_period_end(net, staff_qk):
    team = team_create(user=staff_qk, **(record_data("teams", net) | {"occurred_on": datetime.date(2023, 5, 1)}))
    team_create(
        user=staff_qk,
        **(record_data("teams", net) | {"occurred_on": datetime.date(2025, 2, 1), "kind": "party_model_post"}),
    )
    assert totals(net["WH"], parse_period("2022"))["teams_active"] == 0
    assert totals(net["WH"], parse_period("2024"))["teams_active"] == 1
    assert totals(net["WH"], Y2025)["teams_active"] == 2
    assert totals(net["WH"], parse_period("2025-01"))["teams_active"] == 1
    team_update(team, user=staff_qk, disbanded_on=datetime.date(2025, 6, 30))
    assert totals(net["WH"], Y2025)["teams_active"] == 1
    assert totals(net["WH"], parse_period("2025-05"))["teams_active"] == 2
    assert split_totals(net["WH"], Y2025, "teams_active", "kind") == {
        "kind:party_model_post": 1,
        "kind:youth_vanguard": 0,
    }


def test_enterprises_are_counted_once_across_loans_and_months(net, staff_qk):
    base = record_data("financing", net)
    first = financing_create(user=staff_qk, **base)
    financing_create(user=staff_qk, **(base | {"occurred_on": datetime.date(2025, 2, 1)}))
    financing_create(user=staff_qk, **(base | {"counterparty": "另一家公司", "sector": "inclusive"}))
    year = totals(net["WH"], Y2025)
    assert year["financing_enterprises"] == 2
    assert year["financing_entities"] == 3
    assert year["financing_amount_cny"] == Decimal("3000000.00")
    assert split_totals(net["WH"], Y2025, "financing_enterprises", "sector") == {
        "sector:tech": 1,
        "sector:inclusive": 1,
    }
    financing_delete(first, user=staff_qk)
    assert totals(net["WH"], Y2025)["financing_enterprises"] == 2
    assert totals(net["WH"], parse_period("2025-08"))["financing_enterprises"] == 1
    only = financing_update(
        net_financing := type(first).objects.get(occurred_on=datetime.date(2025, 2, 1)),
        user=staff_qk,
        counterparty="另一家公司",
    )
    assert only.pk == net_financing.pk
    assert totals(net["WH"], Y2025)["financing_enterprises"] == 1


def test_rebuild_verify_passes_on_a_consistent_store_and_fails_after_tampering(net, staff_qk, capsys):
    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    financing_create(user=staff_qk, **record_data("financing", net))
    call_command("rebuild_metrics", "--verify")
    assert "0 differed" in capsys.readouterr().out
    MetricValue.objects.filter(metric="outreach_events", split="").update(value=5)
    with pytest.raises(CommandError):
        call_command("rebuild_metrics", "--verify")
    # The rebuild repaired the store: verifying again passes.
    call_command("rebuild_metrics", "--verify")
    assert totals(net["WH"], Y2025)["outreach_events"] == 1


def test_metrics_command_prints_json(net, staff_qk, capsys):
    import json

    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    call_command("metrics", "--branch", "WH", "--period", "2021..2025", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["outreach_events"] == 1 and set(out) >= {"home_visits", "teams_active", "financing_enterprises"}
    with pytest.raises(CommandError, match="NOPE"):
        call_command("metrics", "--branch", "NOPE", "--period", "2025")
    with pytest.raises(CommandError, match="2025Q5"):
        call_command("metrics", "--branch", "WH", "--period", "2025Q5")
