from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from antifraud.models import Intervention
from antifraud.services import intervention_create, intervention_transition, intervention_update
from honours.services import honour_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


def test_case_moves_forward_only(net, staff_qk):
    case = intervention_create(user=staff_qk, **record_data("interventions", net))
    assert case.status == "suspected"
    with pytest.raises(ValidationError):
        intervention_transition(case, user=staff_qk, status="police_attended")  # needs notification first
    case = intervention_transition(case, user=staff_qk, status="police_notified")
    with pytest.raises(ValidationError) as refused:
        intervention_transition(case, user=staff_qk, status="police_attended")
    assert "police_unit" in refused.value.message_dict
    case = intervention_transition(case, user=staff_qk, status="police_attended", police_unit="硚口区分局")
    with pytest.raises(ValidationError) as refused:
        intervention_transition(case, user=staff_qk, status="confirmed")
    assert "amount_protected" in refused.value.message_dict
    with pytest.raises(ValidationError):
        intervention_transition(case, user=staff_qk, status="confirmed", amount_protected=Decimal("300000.00"))
    case = intervention_transition(case, user=staff_qk, status="confirmed", amount_protected=Decimal("200000.00"))
    assert case.status == "confirmed" and case.version == 4
    with pytest.raises(ValidationError):
        intervention_transition(case, user=staff_qk, status="suspected")


def test_status_cannot_be_set_by_a_plain_edit(net, staff_qk):
    case = intervention_create(user=staff_qk, **record_data("interventions", net))
    with pytest.raises(ValidationError) as refused:
        intervention_update(case, user=staff_qk, status="confirmed")
    assert "status" in refused.value.message_dict
    assert Intervention.objects.get().status == "suspected"


def test_a_new_case_cannot_start_confirmed(net, staff_qk):
    with pytest.raises(ValidationError):
        intervention_create(user=staff_qk, status="confirmed", **record_data("interventions", net))
    assert not Intervention.objects.exists()


def test_commendation_is_linked_to_the_case(net, staff_qk):
    case = intervention_create(user=staff_qk, **record_data("interventions", net))
    letter = honour_create(
        user=staff_qk,
        linked_record=case,
        **(record_data("honours", net) | {"kind": "commendation_letter", "level": "city", "title": "表扬信"}),
    )
    assert letter.linked_record == case
