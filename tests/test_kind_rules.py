"""A kind's rules hold on every way in: the service, the entry form, the API, the admin and a
ledger import (which writes through the bulk path, not the kind's service function).

The rule tried here is the interventions' opening state: a new case starts as suspected or
police notified; later states come only through intervention_transition.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from antifraud.models import Intervention
from antifraud.services import intervention_create
from tests.api.conftest import payload, token_client
from tests.conftest import DAY, record_data
from tests.ledgers.conftest import Ledger, run

LATER_STATES = [s for s in Intervention.Status.values if s not in Intervention.OPENING_STATUSES]
# Everything a later state needs, so that only the opening rule can refuse the case.
COMPLETE = {"police_unit": "硚口公安分局", "amount_protected": Decimal("1000.00")}


def facts(status: str) -> dict:
    return {"police_unit": COMPLETE["police_unit"]} | (
        {"amount_protected": COMPLETE["amount_protected"]} if status == "confirmed" else {}
    )


@pytest.mark.parametrize("status", LATER_STATES)
def test_the_service_refuses_a_new_case_in_a_later_state(status, net, staff_qk):
    with pytest.raises(ValidationError) as refused:
        intervention_create(user=staff_qk, **record_data("interventions", net), status=status, **facts(status))
    assert "status" in refused.value.message_dict
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("status", LATER_STATES)
def test_the_api_refuses_a_new_case_in_a_later_state(status, net, staff_qk):
    body = payload("interventions", net, status=status, **{k: str(v) for k, v in facts(status).items()})
    response = token_client(staff_qk).post("/api/v1/interventions/", body, format="json")
    assert response.status_code == 400 and "status" in response.json()
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("status", LATER_STATES)
def test_the_entry_form_refuses_a_new_case_in_a_later_state(status, client, net, staff_qk):
    client.force_login(staff_qk)
    form = {
        "branch": net["WH-QK-01"].pk,
        "occurred_on": DAY.isoformat(),
        "channel": "counter_cash",
        "fraud_type": "high_yield",
        "amount_at_risk": "200000.00",
        "status": status,
        **{k: str(v) for k, v in facts(status).items()},
    }
    response = client.post("/antifraud/interventions/new/", form)
    assert response.status_code == 200 and response.context["form"].errors.get("status")
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("status", LATER_STATES)
def test_the_admin_refuses_a_new_case_in_a_later_state(status, client, net, root_user):
    client.force_login(root_user)
    form = {
        "branch": net["WH-QK-01"].pk,
        "occurred_on": DAY.isoformat(),
        "channel": "counter_cash",
        "fraud_type": "high_yield",
        "amount_at_risk": "200000.00",
        "status": status,
        "notes": "",
        **{k: str(v) for k, v in facts(status).items()},
    }
    client.post("/admin/antifraud/intervention/add/", form)
    # The admin shows the status read-only: the case is refused or opens as suspected.
    assert not Intervention.objects.exclude(status__in=Intervention.OPENING_STATUSES).exists()


@pytest.mark.parametrize("status", LATER_STATES)
def test_a_ledger_import_refuses_a_new_case_in_a_later_state(status, net, staff_qk, tmp_path):
    row = {
        "branch": "WH-QK-01",
        "occurred_on": DAY,
        "channel": "counter_cash",
        "fraud_type": "high_yield",
        "amount_at_risk": 200000,
        "status": status,
        "police_unit": COMPLETE["police_unit"],
        "amount_protected": 1000 if status == "confirmed" else None,
    }
    opening = row | {"status": "police_notified", "amount_protected": None, "occurred_on": DAY - datetime.timedelta(1)}
    outcome = run("interventions", _ledger_with_labels(tmp_path, [opening, row]), staff_qk, commit=True)
    assert not outcome.committed
    opening_message = gettext("A new case starts as suspected or police notified.")
    assert [(p["row"], p["message"]) for p in outcome.problems] == [(3, opening_message)]
    assert not Intervention.objects.exists(), "one refused row writes nothing"


def _ledger_with_labels(tmp_path, rows):
    """The status as the clerk writes it: its Chinese label."""
    from django.utils import translation

    with translation.override("zh-hans"):
        labelled = [r | {"status": str(Intervention.Status(r["status"]).label)} for r in rows]
    return Ledger(tmp_path)("interventions", labelled)


def test_an_opening_state_still_goes_in_everywhere(net, staff_qk):
    case = intervention_create(user=staff_qk, **record_data("interventions", net), status="police_notified")
    assert case.status == "police_notified"
