"""Login, the home page, the language switch and the Django admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from services.models import OutreachEvent
from services.services import outreach_event_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_login_and_logout(client, net, staff_qk):
    response = client.post(reverse("login"), {"username": "staff_qk", "password": "pw-staff_qk"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_home_shows_scope_and_only_records_in_scope(client, net, staff_qk, staff_qk2):
    outreach_event_create(user=staff_qk, **(record_data("outreach-events", net) | {"place": "本网点社区"}))
    outreach_event_create(
        user=staff_qk2, **(record_data("outreach-events", net) | {"place": "隔壁网点", "branch": net["WH-QK-02"]})
    )
    client.force_login(staff_qk)
    page = client.get(reverse("home")).content.decode()
    assert "WH-QK-01" in page and "本网点社区" in page
    assert "隔壁网点" not in page


def test_home_query_count_does_not_grow_with_records(client, net, staff_qk):
    client.force_login(staff_qk)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx)

    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    few = count()
    for _ in range(15):
        outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    assert count() == few


def test_language_switch_to_english_and_back(client, net, staff_qk):
    client.force_login(staff_qk)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log a record" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "登记记录" in client.get(reverse("home")).content.decode()


def admin_models() -> list[str]:
    """Every model the portal's admin site registers (a new kind's included, with no edit here)."""
    from django.contrib import admin

    return sorted(f"{m._meta.app_label}/{m._meta.model_name}" for m in admin.site._registry)


ADMIN_MODELS = admin_models()


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_pages_load_in_chinese(client, net, model):
    client.force_login(net.root_user)
    response = client.get(f"/admin/{model}/")
    assert response.status_code == 200
    assert "管理" in response.content.decode()


def test_admin_create_goes_through_the_service(client, net):
    client.force_login(net.root_user)
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in record_data("outreach-events", net).items()}
    data["occurred_on"] = "2025-08-14"
    response = client.post("/admin/services/outreachevent/add/", data | {"place": "", "notes": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = OutreachEvent.objects.get()
    assert event.created_by == net.root_user
    assert AuditEntry.objects.filter(action="create", object_id=event.pk, content_type__model="outreachevent").exists()


def test_admin_refuses_an_id_number_with_a_form_error(client, net):
    client.force_login(net.root_user)
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in record_data("outreach-events", net).items()}
    data |= {"occurred_on": "2025-08-14", "notes": "客户身份证420106195001011234", "place": ""}
    response = client.post("/admin/services/outreachevent/add/", data)
    assert response.status_code == 200
    assert not OutreachEvent.objects.exists()
