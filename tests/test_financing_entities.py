"""A financing covers one entity unless it is an annuity mandate (企业年金受托, which covered 73
institutions at WH-FTZ): the rule holds on every write path (service, bulk, form, admin, API;
the import in tests/ledgers/test_labelled_rules.py), the error at "entities covered"."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from core.kinds import kind_for_slug
from records.services import BulkValidationError, record_bulk_create
from services.forms import FinancingForm
from services.models import Financing
from services.services import financing_create, financing_update
from tests.api.conftest import token_client
from tests.conftest import DAY, record_data

pytestmark = pytest.mark.django_db

OTHER_PRODUCTS = [p for p in Financing.Product.values if p != "annuity_trustee"]


def refused_message(product_label: str, given: int) -> str:
    return f"覆盖户数：只有企业年金受托可覆盖多家单位；{product_label} 只服务 1 户（当前填写 {given}）。"


@pytest.mark.parametrize("product", Financing.Product.values)
@pytest.mark.parametrize("entities", [1, 2, 73])
def test_only_an_annuity_mandate_covers_more_than_one_entity(net, staff_qk, product, entities):
    fields = record_data("financing", net) | {"product": product, "entities_covered": entities}
    if entities == 1 or product == "annuity_trustee":
        assert financing_create(user=staff_qk, **fields).entities_covered == entities
        return
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        financing_create(user=staff_qk, **fields)
    label = dict(Financing.Product.choices)[product]
    with translation.override("zh-hans"):
        assert refused.value.message_dict == {"entities_covered": [refused_message(str(label), entities)]}
    assert not Financing.objects.exists()


def test_an_update_judges_the_product_and_the_count_together(net, staff_qk):
    mandate = financing_create(
        user=staff_qk,
        **record_data("financing", net)
        | {"sector": "pension", "product": "annuity_trustee", "entities_covered": 73, "amount": Decimal("0.00")},
    )
    with pytest.raises(ValidationError) as refused:
        financing_update(mandate, user=staff_qk, product="kc_edanbao")  # still 73 entities
    assert list(refused.value.message_dict) == ["entities_covered"]
    mandate.refresh_from_db()
    assert mandate.version == 1 and mandate.product == "annuity_trustee"
    loan = financing_update(mandate, user=staff_qk, product="kc_edanbao", entities_covered=1)
    assert loan.version == 2 and loan.entities_covered == 1


def test_a_bulk_write_lists_the_rows_that_cover_too_many(net, staff_qk):
    base = record_data("financing", net)
    rows = [
        base,
        base | {"entities_covered": 5},
        base | {"product": "annuity_trustee", "sector": "pension", "entities_covered": 5},
    ]
    with pytest.raises(BulkValidationError) as refused:
        record_bulk_create(Financing, user=staff_qk, rows=rows)
    assert list(refused.value.errors) == [1] and list(refused.value.errors[1]) == ["entities_covered"]
    assert not Financing.objects.exists()


def form_data(net, **extra) -> dict:
    """The kind's sample entry form (a 科创云闪贷 loan covering 1 entity) at WH-QK-01."""
    sample = kind_for_slug("financing").sample.form
    return sample | {"branch": net["WH-QK-01"].pk, "occurred_on": DAY.isoformat()} | extra


def test_the_form_and_entry_page_show_the_error_at_entities_covered(client, net, staff_qk):
    with translation.override("zh-hans"):
        form = FinancingForm(data=form_data(net, entities_covered="3"), user=staff_qk)
        assert not form.is_valid()
        assert form.errors == {"entities_covered": [refused_message("科创云闪贷", 3)]}
    client.force_login(staff_qk)
    new = kind_for_slug("financing").url("new")
    page = client.post(new, form_data(net, entities_covered="3"))
    assert page.status_code == 200 and "entities_covered" in page.context["form"].errors
    assert not Financing.objects.exists()
    mandate = form_data(net, sector="pension", product="annuity_trustee", entities_covered="73", amount="0")
    assert client.post(new, mandate).status_code == 302
    assert Financing.objects.get().entities_covered == 73


def test_the_admin_refuses_with_a_form_error(net):
    admin = Client()
    admin.force_login(net.root_user)
    data = form_data(net, entities_covered="2", credit_code="", notes="")
    page = admin.post("/admin/services/financing/add/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and refused_message("科创云闪贷", 2) in page.content.decode()
    assert not Financing.objects.exists()
    assert admin.post("/admin/services/financing/add/", data | {"entities_covered": "1"}).status_code == 302


def test_the_api_answers_400_at_entities_covered(net, staff_qk):
    api = token_client(staff_qk)
    body = form_data(net, branch="WH-QK-01", entities_covered=4)
    refused = api.post("/api/v1/financing/", body, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["entities_covered"]
    assert not Financing.objects.exists()
    created = api.post("/api/v1/financing/", body | {"entities_covered": 1}, format="json")
    assert created.status_code == 201, created.content
    patched = api.patch(f"/api/v1/financing/{created.json()['id']}/", {"entities_covered": 9}, format="json")
    assert patched.status_code == 400 and list(patched.json()) == ["entities_covered"]
    moved = api.patch(
        f"/api/v1/financing/{created.json()['id']}/",
        {"product": "annuity_trustee", "sector": "pension", "entities_covered": 9},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["entities_covered"] == 9
    assert Financing.objects.get().created_at.date() <= datetime.date.today()
