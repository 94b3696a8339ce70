"""A partnership's own rules and those of the records held with it, on every write path:
the services, the entry form, the API and the ledger import."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerships.models import Partnership, PartnershipActivity
from partnerships.services import (
    partnership_activity_create,
    partnership_activity_delete,
    partnership_create,
    partnership_delete,
    partnership_update,
)
from services.services import outreach_event_create, outreach_event_delete
from tests.api.conftest import token_client
from tests.conftest import record_data
from tests.ledgers.conftest import run

pytestmark = pytest.mark.django_db

START, END = datetime.date(2024, 3, 1), datetime.date(2025, 6, 30)


def partnership(net, user, code="WH-QK", **extra) -> Partnership:
    fields = {"branch": net[code], "occurred_on": START, "partner_name": "古田社区", "partner_type": "community"}
    return partnership_create(user=user, **(fields | extra))


def activity_fields(net, held, code="WH-QK-01", **extra) -> dict:
    base = {
        "branch": net[code],
        "occurred_on": datetime.date(2025, 3, 18),
        "partnership": held,
        "activity_type": "party_building",
        "people_reached": 40,
    }
    return base | extra


@pytest.fixture
def held(net, manager_qk):
    return partnership(net, manager_qk)


def test_a_partnership_cannot_end_before_it_started(net, manager_qk):
    with pytest.raises(ValidationError) as exc:
        partnership(net, manager_qk, ended_on=START - datetime.timedelta(days=1))
    assert "ended_on" in exc.value.message_dict
    assert Partnership.objects.count() == 0


def test_an_outlet_records_activities_of_its_sub_branchs_partnership(net, held, staff_qk):
    activity = partnership_activity_create(user=staff_qk, **activity_fields(net, held))
    assert activity.partnership == held and activity.branch == net["WH-QK-01"]


def test_a_partnership_of_another_line_of_the_tree_is_refused(net, root_user, staff_qk):
    elsewhere = partnership(net, root_user, code="WH-BBT")
    with pytest.raises(ValidationError) as exc:
        partnership_activity_create(user=staff_qk, **activity_fields(net, elsewhere))
    assert "partnership" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        outreach_event_create(user=staff_qk, **record_data("outreach-events", net) | {"partnership": elsewhere})
    assert "partnership" in exc.value.message_dict
    assert PartnershipActivity.objects.count() == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=-400, max_value=600))
def test_an_activity_is_accepted_exactly_within_the_partnerships_dates(net, manager_qk, staff_qk, offset):
    bounded = Partnership.objects.filter(ended_on=END).first() or partnership(net, manager_qk, ended_on=END)
    day = START + datetime.timedelta(days=offset)
    fields = activity_fields(net, bounded, occurred_on=day)
    if START <= day <= END:
        activity = partnership_activity_create(user=staff_qk, **fields)
        partnership_activity_delete(activity, user=staff_qk)
    else:
        with pytest.raises(ValidationError) as exc:
            partnership_activity_create(user=staff_qk, **fields)
        assert "partnership" in exc.value.message_dict
    assert PartnershipActivity.objects.count() == 0


def test_a_partnership_cannot_be_moved_off_the_records_held_with_it(net, held, manager_qk, staff_qk):
    partnership_activity_create(user=staff_qk, **activity_fields(net, held))
    with pytest.raises(ValidationError) as exc:
        partnership_update(held, user=manager_qk, ended_on=datetime.date(2025, 3, 1))
    assert "ended_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        partnership_update(held, user=manager_qk, occurred_on=datetime.date(2025, 4, 1))
    assert "occurred_on" in exc.value.message_dict
    held.refresh_from_db()
    assert held.ended_on is None and held.version == 1
    partnership_update(held, user=manager_qk, ended_on=datetime.date(2025, 3, 18))  # the activity's day is fine


def test_a_partnership_with_records_cannot_be_deleted_until_they_are_gone(net, held, manager_qk, staff_qk):
    activity = partnership_activity_create(user=staff_qk, **activity_fields(net, held))
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net) | {"partnership": held})
    with pytest.raises(ValidationError) as exc:
        partnership_delete(held, user=manager_qk)
    assert "共建活动" in str(exc.value) or "partnership activities" in str(exc.value)
    assert Partnership.objects.filter(pk=held.pk).exists()
    partnership_activity_delete(activity, user=staff_qk)
    outreach_event_delete(event, user=staff_qk)
    partnership_delete(held, user=manager_qk)
    assert not Partnership.objects.filter(pk=held.pk).exists()


# --- the entry form -----------------------------------------------------------------------------


def test_the_form_offers_the_partnerships_the_user_may_name_and_refuses_others(client, net, held, root_user, staff_qk):
    elsewhere = partnership(net, root_user, code="WH-BBT", partner_name="百步亭社区")
    client.force_login(staff_qk)
    url = reverse("partnerships:partnership-activities-new")
    page = client.get(url).content.decode()
    assert "百步亭社区" not in page  # the form renders the chosen partnership only; it searches:
    offered = client.get(reverse("record-choices", args=["partnerships"]), {"q": "社区"}).json()["results"]
    assert [r["id"] for r in offered] == [held.pk]
    assert "古田社区" in offered[0]["label"]
    data = {
        "branch": net["WH-QK-01"].pk,
        "occurred_on": "2025-03-18",
        "activity_type": "care_visit",
        "people_reached": "12",
    }
    refused = client.post(url, data | {"partnership": elsewhere.pk})
    assert refused.status_code == 200 and PartnershipActivity.objects.count() == 0
    assert "partnership" in refused.context["form"].errors
    saved = client.post(url, data | {"partnership": held.pk})
    assert saved.status_code == 302
    assert PartnershipActivity.objects.get().partnership == held


def test_the_delete_page_says_why_a_partnership_in_use_stays(client, net, held, manager_qk, staff_qk):
    partnership_activity_create(user=staff_qk, **activity_fields(net, held))
    client.force_login(manager_qk)
    url = reverse("partnerships:partnerships-delete", args=[held.pk])
    response = client.post(url, {"version": held.version})
    assert response.status_code == 200 and Partnership.objects.filter(pk=held.pk).exists()
    assert response.context["errors"]


# --- the API ------------------------------------------------------------------------------------


def test_the_api_names_partnerships_by_id_and_refuses_others_with_field_errors(net, held, root_user, staff_qk):
    elsewhere = partnership(net, root_user, code="WH-BBT")
    api = token_client(staff_qk)
    url = reverse("api:partnership-activities-list")
    body = {"branch": "WH-QK-01", "occurred_on": "2025-03-18", "activity_type": "care_visit", "people_reached": 5}
    for bad in (elsewhere.pk, 10**30, "abc", True, None):
        response = api.post(url, body | {"partnership": bad}, format="json")
        assert response.status_code == 400 and "partnership" in response.json(), bad
    ended = api.post(url, body | {"partnership": held.pk, "occurred_on": "2023-01-05"}, format="json")
    assert ended.status_code == 400 and "partnership" in ended.json()
    assert PartnershipActivity.objects.count() == 0
    created = api.post(url, body | {"partnership": held.pk}, format="json")
    assert created.status_code == 201 and created.json()["partnership"] == held.pk
    manager = token_client(net.user("mgr", "WH-QK", "branch_manager"))
    refused = manager.delete(reverse("api:partnerships-detail", args=[held.pk]))
    assert refused.status_code == 400 and Partnership.objects.filter(pk=held.pk).exists()


# --- the ledger import --------------------------------------------------------------------------


def row(**extra) -> dict:
    return {
        "branch": "WH-QK-01",
        "occurred_on": datetime.date(2025, 3, 18),
        "partnership": "古田社区",
        "activity_type": "党建共联活动",
        "people_reached": 40,
    } | extra


def test_the_ledger_names_a_partnership_by_its_partner_unit(ledger, net, held, root_user, staff_qk):
    partnership(net, root_user, code="WH-BBT", partner_name="百步亭社区")
    rows = [
        row(),  # 2: good
        row(partnership="不存在的社区"),  # 3: no such partnership
        row(partnership="百步亭社区"),  # 4: another line of the tree
        row(occurred_on=datetime.date(2024, 1, 5)),  # 5: before it started
        row(partnership="古田社区(WH-QK)", activity_type="慰问困难群体"),  # 6: good, qualified
    ]
    outcome = run("partnership-activities", ledger("partnership-activities", rows), staff_qk, commit=True)
    rows_with_problems = {p["row"] for p in outcome.problems}
    assert rows_with_problems == {3, 4, 5} and not outcome.committed
    good = run("partnership-activities", ledger("partnership-activities", [row(), rows[4]]), staff_qk, commit=True)
    assert good.committed and good.created == 2
    assert set(PartnershipActivity.objects.values_list("partnership", flat=True)) == {held.pk}


def test_two_partnerships_of_one_name_pick_the_one_in_force(ledger, net, manager_qk, staff_qk):
    old = partnership(net, manager_qk, ended_on=datetime.date(2024, 12, 31))
    new = partnership(net, manager_qk, occurred_on=datetime.date(2025, 1, 1), agreement_ref="续签")
    rows = [row(occurred_on=datetime.date(2024, 6, 1)), row(occurred_on=datetime.date(2025, 6, 1))]
    outcome = run("partnership-activities", ledger("partnership-activities", rows), staff_qk, commit=True)
    assert outcome.committed and outcome.created == 2
    by_day = dict(PartnershipActivity.objects.values_list("occurred_on", "partnership"))
    assert by_day == {datetime.date(2024, 6, 1): old.pk, datetime.date(2025, 6, 1): new.pk}


def test_the_activity_list_filters_by_partnership_offering_only_those_the_user_may_name(
    client, net, held, root_user, staff_qk
):
    partnership(net, root_user, code="WH-BBT", partner_name="百步亭社区")
    partnership_activity_create(user=staff_qk, **activity_fields(net, held))
    client.force_login(staff_qk)
    url = reverse("partnerships:partnership-activities-list")
    page = client.get(url, {"partnership": held.pk})
    assert page.status_code == 200 and "百步亭社区" not in page.content.decode()
    assert len(page.context["page_obj"].object_list) == 1
    for hostile in ("9" * 30, "-1", "abc"):
        assert client.get(url, {"partnership": hostile}).status_code in (200, 400)
    api = token_client(staff_qk)
    listed = api.get(reverse("api:partnership-activities-list"), {"partnership": held.pk})
    assert listed.status_code == 200 and [r["partnership"] for r in listed.json()["results"]] == [held.pk]
    assert api.get(reverse("api:partnership-activities-list"), {"partnership": "9" * 30}).status_code == 400
