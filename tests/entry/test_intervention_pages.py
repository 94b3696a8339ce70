"""The anti-fraud case workflow on the intervention page, and commendations linked to a case."""

from decimal import Decimal

import pytest

from antifraud.services import intervention_create
from core.periods import parse_period
from honours.models import Honour
from metrics.selectors import totals
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(net, staff_qk):
    return intervention_create(user=staff_qk, **record_data("interventions", net))


def move(client, case, status, **fields):
    case.refresh_from_db()
    data = {"status": status, "version": str(case.version)} | fields
    return client.post(f"/antifraud/interventions/{case.pk}/transition/", data)


def protected(branch) -> Decimal:
    return totals(branch, parse_period("2025-08"), ["antifraud_funds_protected_cny"])["antifraud_funds_protected_cny"]


def test_case_goes_from_suspected_to_confirmed_and_only_then_counts(client, net, staff_qk, case):
    client.force_login(staff_qk)
    page = client.get(case.get_absolute_url())
    assert [s.value for s in page.context["transitions"]] == ["police_notified", "confirmed", "customer_proceeded"]
    assert move(client, case, "police_notified").status_code == 302

    response = move(client, case, "police_attended")  # needs the police unit
    assert response.status_code == 200 and "police_unit" in response.context["transition_form"].errors
    assert move(client, case, "police_attended", police_unit="汉口派出所").status_code == 302
    assert protected(net["WH-QK-01"]) == 0

    response = move(client, case, "confirmed", police_unit="汉口派出所")  # needs the amount
    assert response.status_code == 200 and "amount_protected" in response.context["transition_form"].errors
    response = move(client, case, "confirmed", police_unit="汉口派出所", amount_protected="250000.00")
    assert "amount_protected" in response.context["transition_form"].errors  # more than was at risk
    response = move(client, case, "confirmed", police_unit="汉口派出所", amount_protected="-1")
    assert "amount_protected" in response.context["transition_form"].errors
    assert move(client, case, "confirmed", police_unit="汉口派出所", amount_protected="200000.00").status_code == 302
    case.refresh_from_db()
    assert (case.status, case.police_unit, case.amount_protected) == ("confirmed", "汉口派出所", Decimal("200000.00"))
    assert protected(net["WH-QK-01"]) == Decimal("200000.00") and protected(net["WH"]) == Decimal("200000.00")

    # A closed case offers no further step and refuses one.
    assert client.get(case.get_absolute_url()).context["transitions"] == []
    assert move(client, case, "customer_proceeded").status_code == 200
    case.refresh_from_db()
    assert case.status == "confirmed"
    history = client.get(case.get_absolute_url()).content.decode()
    assert history.count('data-action="transition"') == 3


def test_customer_proceeded_does_not_count(client, net, staff_qk, case):
    client.force_login(staff_qk)
    assert move(client, case, "customer_proceeded").status_code == 302
    counted = totals(net["WH-QK-01"], parse_period("2025-08"), ["antifraud_interventions"])
    assert counted["antifraud_interventions"] == 0 and protected(net["WH-QK-01"]) == 0


def test_workflow_needs_a_writer_in_scope(client, net, analyst_wh, staff_qk2, case):
    client.force_login(analyst_wh)
    assert client.get(case.get_absolute_url()).context["transition_form"] is None
    assert move(client, case, "police_notified").status_code == 403
    client.force_login(staff_qk2)
    assert move(client, case, "police_notified").status_code == 404
    case.refresh_from_db()
    assert case.status == "suspected"


def test_commendation_linked_to_the_case(client, net, staff_qk, case):
    client.force_login(staff_qk)
    url = f"/antifraud/interventions/{case.pk}/commendation/"
    data = {
        "honour-branch": str(net["WH-QK-01"].pk),
        "honour-occurred_on": "2025-08-20",
        "honour-kind": "commendation_letter",
        "honour-level": "city",
        "honour-title": "反诈表扬信",
        "honour-issuer": "武汉市打击治理电信网络诈骗工作协调机制办公室",
    }
    response = client.post(url, data | {"honour-title": ""})
    assert response.status_code == 200 and "title" in response.context["commendation_form"].errors
    assert not Honour.objects.exists()
    assert client.post(url, data).status_code == 302
    honour = Honour.objects.get()
    assert honour.linked_record == case and honour.created_by == staff_qk
    assert honour.get_absolute_url() in client.get(case.get_absolute_url()).content.decode()
    assert case.get_absolute_url() in client.get(honour.get_absolute_url()).content.decode()
    client.force_login(net.user("outsider", "WH-BBT", "outlet_staff"))
    assert client.post(url, data | {"honour-branch": str(net["WH-BBT"].pk)}).status_code == 404
    assert Honour.objects.count() == 1
