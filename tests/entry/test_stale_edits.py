"""A form opened before someone else saved is refused, shows what they changed, and saves nothing."""

import pytest

from antifraud.services import intervention_create
from audit.models import AuditEntry
from services.models import HomeVisit
from services.services import home_visit_create, home_visit_update
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(net, staff_qk):
    return home_visit_create(user=staff_qk, **record_data("home-visits", net))


def form_data(client, url) -> dict:
    """What the browser would post back: the edit form as it was rendered."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_stale_edit_is_refused_with_the_changes_shown(client, net, staff_qk, manager_qk, visit):
    manager_qk.first_name = "李四"
    manager_qk.save()
    client.force_login(staff_qk)
    url = f"/services/home-visits/{visit.pk}/edit/"
    data = form_data(client, url)
    assert data["version"] == "1"

    home_visit_update(visit, user=manager_qk, purpose="card", duration_minutes=50)  # saved in between

    response = client.post(url, data | {"customer_group": "ill"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field="purpose"' in page and 'data-field="duration_minutes"' in page
    assert "事由" in page and "银行卡" in page and "养老金" in page and "李四" in page  # label, new, old, who
    assert "2" in str(response.context["form"].non_field_errors())  # the version now
    visit.refresh_from_db()
    assert (visit.customer_group, visit.purpose, visit.version) == ("elderly", "card", 2)

    # The form now carries the current version: saving again is a deliberate choice.
    assert response.context["form"]["version"].value() == 2
    again = client.post(url, data | {"customer_group": "ill", "version": "2"})
    assert again.status_code == 302
    visit.refresh_from_db()
    assert (visit.customer_group, visit.version) == ("ill", 3)


def test_stale_delete_is_refused(client, net, staff_qk, manager_qk, visit):
    client.force_login(staff_qk)
    home_visit_update(visit, user=manager_qk, purpose="card")
    before = AuditEntry.objects.count()
    response = client.post(f"/services/home-visits/{visit.pk}/delete/", {"version": "1"})
    assert response.status_code == 200 and 'data-field="purpose"' in response.content.decode()
    assert HomeVisit.objects.filter(pk=visit.pk).exists() and AuditEntry.objects.count() == before
    assert client.post(f"/services/home-visits/{visit.pk}/delete/", {"version": "2"}).status_code == 302
    assert not HomeVisit.objects.filter(pk=visit.pk).exists()


def test_stale_case_transition_is_refused(client, net, staff_qk, manager_qk):
    case = intervention_create(user=staff_qk, **record_data("interventions", net))
    client.force_login(staff_qk)
    from antifraud.services import intervention_update

    intervention_update(case, user=manager_qk, amount_at_risk="150000.00")
    response = client.post(
        f"/antifraud/interventions/{case.pk}/transition/", {"status": "police_notified", "version": "1"}
    )
    assert response.status_code == 200 and response.context["transition_form"].non_field_errors()
    case.refresh_from_db()
    assert case.status == "suspected"


def test_history_shows_labels_choice_labels_and_names(client, net, staff_qk, manager_qk, visit):
    li = net.staff("WH-QK-01", "李敏")
    chen = net.staff("WH-QK-01", "陈杰")
    manager_qk.first_name = "王强"
    manager_qk.save()
    home_visit_update(visit, user=manager_qk, staff=[li, chen], purpose="card", branch=net["WH-QK"])
    client.force_login(manager_qk)
    page = client.get(visit.get_absolute_url()).content.decode()
    update = page[page.index('data-action="update"') : page.index('data-action="create"')]
    assert "王强" in update
    assert "事由" in update and "养老金" in update and "银行卡" in update  # field label, old and new choice labels
    assert "李敏" in update and "陈杰" in update  # staff by name, not id
    assert str(net["WH-QK-01"]) in update and str(net["WH-QK"]) in update  # branches by name
