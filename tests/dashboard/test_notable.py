"""The notable records of a dashboard: police-attended or confirmed cases and honours, with photos."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from antifraud.services import intervention_create, intervention_transition
from honours.services import honour_create
from records.photos import photo_add
from tests.conftest import record_data
from tests.dashboard.conftest import dashboard_url

pytestmark = pytest.mark.django_db


def jpeg(name="photo.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_only_cases_the_police_attended_or_confirmed(client, net, manager_qk, analyst_wh):
    suspected = intervention_create(user=manager_qk, **record_data("interventions", net))
    confirmed = intervention_create(user=manager_qk, **record_data("interventions", net))
    confirmed = intervention_transition(
        confirmed, user=manager_qk, status="confirmed", police_unit="硚口区分局", amount_protected=Decimal("150000")
    )
    client.force_login(analyst_wh)
    response = client.get(dashboard_url("WH", "2025"))
    shown = [item.record.pk for item in response.context["notable"]["interventions"]]
    assert shown == [confirmed.pk] and suspected.pk not in shown
    assert "15万元" in response.content.decode()
    # Outside the period, nothing.
    assert client.get(dashboard_url("WH", "2024")).context["notable"]["interventions"] == []


def test_honours_with_a_thumbnail_of_their_photo(client, net, manager_qk, analyst_wh):
    honour = honour_create(user=manager_qk, **record_data("honours", net))
    photo_add(honour, user=manager_qk, upload=jpeg())
    photo_add(honour, user=manager_qk, upload=jpeg("second.jpg"))
    client.force_login(analyst_wh)
    response = client.get(dashboard_url("WH-QK", "2025"))
    item = response.context["notable"]["honours"][0]
    assert item.record == honour and item.photo_count == 2
    html = response.content.decode()
    assert f'src="{item.thumbnail_url}"' in html
    thumb = client.get(item.thumbnail_url)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert item.url == honour.get_absolute_url() and f'href="{item.url}"' in html


def test_notable_records_of_another_subtree_are_not_shown(client, net, manager_qk):
    honour_create(user=manager_qk, **record_data("honours", net))
    bbt = net.user("manager_bbt", "WH-BBT", "branch_manager")
    client.force_login(bbt)
    assert client.get(dashboard_url("WH-BBT", "2025")).context["notable"]["honours"] == []
