"""Yearly targets: the form saves through target_set / target_delete; the dashboard shows progress."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from branches.models import Target
from branches.services import target_set
from core.catalogue import METRICS
from services.services import home_visit_create
from tests.conftest import record_data
from tests.dashboard.conftest import dashboard_url, targets_shown

pytestmark = pytest.mark.django_db


def targets_url(code, year=None):
    return reverse("dashboard:targets", args=[code]) + (f"?year={year}" if year else "")


def form_data(**values):
    """Every metric field, blank unless given."""
    return {key: str(values.get(key, "")) for key in METRICS}


def test_the_form_lists_every_metric_with_its_current_target(client, net, analyst_wh):
    target_set(user=analyst_wh, branch=net["WH-QK"], year=2025, metric="home_visits", value=Decimal(120))
    client.force_login(analyst_wh)
    response = client.get(targets_url("WH-QK", 2025))
    assert response.status_code == 200
    html = response.content.decode()
    for key in METRICS:
        assert f'data-metric="{key}"' in html
    assert response.context["form"]["home_visits"].value() == Decimal(120)
    assert response.context["form"]["outreach_events"].value() is None


def test_saving_sets_changes_and_clears_targets_through_the_services(client, net, analyst_wh):
    target_set(user=analyst_wh, branch=net["WH-QK"], year=2025, metric="honours", value=Decimal(10))
    target_set(user=analyst_wh, branch=net["WH-QK"], year=2025, metric="outreach_events", value=Decimal(30))
    client.force_login(analyst_wh)
    data = form_data(home_visits=100, financing_amount_cny="400000000.00", outreach_events=30)
    response = client.post(targets_url("WH-QK", 2025), data)
    assert response.status_code == 302
    assert response["Location"] == dashboard_url("WH-QK", "2025")
    saved = {t.metric: t.value for t in Target.objects.filter(branch=net["WH-QK"], year=2025)}
    assert saved == {"home_visits": 100, "financing_amount_cny": Decimal("400000000.00"), "outreach_events": 30}
    # Each change is audited by the service, unchanged ones are left alone.
    audited = AuditEntry.objects.filter(object_repr__contains="2025", content_type__model="target")
    assert audited.filter(action=AuditEntry.Action.DELETE).count() == 1
    assert audited.filter(action=AuditEntry.Action.CREATE).count() == 4  # two above, two by the form
    assert Target.objects.get(branch=net["WH-QK"], year=2025, metric="home_visits").set_by == analyst_wh


def test_the_dashboard_shows_progress_against_the_target(client, net, analyst_wh, staff_qk):
    client.force_login(analyst_wh)
    client.post(targets_url("WH-QK", 2025), form_data(home_visits=4))
    home_visit_create(user=staff_qk, **record_data("home-visits", net))
    html = client.get(dashboard_url("WH-QK", "2025")).content.decode()
    assert targets_shown(html) == {"home_visits": "4.00"}
    assert "25.0%" in html
    # The parent's children table shows the child's progress too.
    parent = client.get(dashboard_url("WH", "2025")).content.decode()
    assert "25.0%" in parent
    # Another year has no target.
    assert targets_shown(client.get(dashboard_url("WH-QK", "2024")).content.decode()) == {}


def test_invalid_values_are_field_errors_and_nothing_is_saved(client, net, analyst_wh):
    client.force_login(analyst_wh)
    response = client.post(targets_url("WH-QK", 2025), form_data(home_visits=5, honours=-1, outreach_events="1.5"))
    assert response.status_code == 400
    form = response.context["form"]
    assert "honours" in form.errors and "outreach_events" in form.errors
    assert not Target.objects.exists()


def test_a_refusal_of_the_service_saves_nothing(client, net, analyst_wh):
    client.force_login(analyst_wh)
    response = client.post(targets_url("WH-QK", 2025), form_data(home_visits=5, financing_amount_cny="1" * 19))
    assert response.status_code == 400
    assert "financing_amount_cny" in response.context["form"].errors
    assert not Target.objects.exists()


def test_staff_may_not_set_targets(client, net, staff_qk):
    client.force_login(staff_qk)
    assert client.get(targets_url("WH-QK-01", 2025)).status_code == 403
    assert client.post(targets_url("WH-QK-01", 2025), form_data(home_visits=1)).status_code == 403
    assert not Target.objects.exists()
    assert 'href="/dashboard/WH-QK-01/targets/' not in client.get(dashboard_url("WH-QK-01", "2025")).content.decode()


def test_targets_outside_the_scope_are_404(client, net, manager_qk):
    client.force_login(manager_qk)
    assert client.get(targets_url("WH-BBT", 2025)).status_code == 404
    assert client.post(targets_url("WH", 2025), form_data(home_visits=1)).status_code == 404
    assert client.get(targets_url("WH-QK", 2025)).status_code == 200  # a manager sets their own subtree's
    assert not Target.objects.exists()


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "20255"])
def test_a_bad_year_is_400(client, net, analyst_wh, year):
    client.force_login(analyst_wh)
    assert client.get(targets_url("WH", year)).status_code == 400
    assert client.post(targets_url("WH", year), form_data(home_visits=1)).status_code == 400
    assert not Target.objects.exists()
