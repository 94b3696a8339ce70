"""Every form refuses bad input with a message on the field; nothing is saved; never a 500."""

import datetime

import pytest
from django.utils import timezone

from antifraud.models import Intervention
from audit.models import AuditEntry
from core.kinds import kind_for_slug
from core.validators import credit_code_check_char
from services.models import Financing, HomeVisit, OutreachEvent
from services.services import home_visit_create
from tests.conftest import record_data
from volunteering.models import Team

pytestmark = pytest.mark.django_db

DAY = "2025-08-14"
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
CODE17 = "91420100MA4K11110"
VALID_CODE = CODE17 + credit_code_check_char(CODE17)
WRONG_CHECK = CODE17 + ("0" if VALID_CODE[-1] != "0" else "1")

VISIT = {"occurred_on": DAY, "customer_group": "elderly", "customer_name_masked": "王小明", "purpose": "pension"}
LOAN = {
    "occurred_on": DAY,
    "sector": "tech",
    "product": "kc_yunshandai",
    "counterparty": "武汉某科技有限公司",
    "entities_covered": "1",
    "amount": "1000000.00",
}


@pytest.fixture
def visit_form(net):
    """VISIT with its team of two at WH-QK-01 (staff the outlet's user may pick)."""
    return VISIT | kind_for_slug("home-visits").sample.needed_form(net["WH-QK-01"], net.root_user)


@pytest.fixture
def staff(client, staff_qk):
    client.force_login(staff_qk)
    return client


def refused(client, url, data, model) -> dict:
    before = (model.objects.count(), AuditEntry.objects.count())
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    assert (model.objects.count(), AuditEntry.objects.count()) == before
    return response.context["form"].errors


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"occurred_on": TOMORROW}, "occurred_on"),
        ({"occurred_on": "2025-02-30"}, "occurred_on"),
        ({"notes": "客户身份证420106195001011234已核验"}, "notes"),
        ({"notes": "联系电话 139-1234-5678"}, "notes"),
        ({"recording_ref": "13912345678"}, "recording_ref"),  # a reference is scanned too (issue 15)
        ({"recording_ref": "REC-QK01-20250814-001"}, None),
        ({"follow_up_done_on": TOMORROW}, "follow_up_done_on"),
        ({"follow_up_done_on": "2025-08-01"}, "follow_up_done_on"),  # before the visit
        ({"duration_minutes": "-5"}, "duration_minutes"),
        ({"duration_minutes": "99999"}, "duration_minutes"),
        ({"customer_group": "alien"}, "customer_group"),
        ({"customer_name_masked": "12345"}, "customer_name_masked"),
        ({"branch": "abc"}, "branch"),
        ({"branch": "99999999999999999999999"}, "branch"),
        ({"staff": ["99999999999999999999999"]}, "staff"),
        ({"staff": ["x"]}, "staff"),
        ({"staff": []}, "staff"),  # a home visit is made by two (上门员工（双人）)
    ],
)
def test_home_visit_form(staff, net, visit_form, changes, field):
    data = visit_form | {"branch": str(net["WH-QK-01"].pk)} | changes
    if field is None:
        assert staff.post("/services/home-visits/new/", data).status_code == 302
        return
    errors = refused(staff, "/services/home-visits/new/", data, HomeVisit)
    assert list(errors) == [field], errors


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"amount": "-1.00"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"amount": "99999999999999.00"}, "amount"),  # over a trillion yuan
        ({"amount": "1e30"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "一百万"}, "amount"),
        ({"credit_code": WRONG_CHECK}, "credit_code"),
        ({"credit_code": "91420100MA4K1111I"}, "credit_code"),
        ({"entities_covered": "0"}, "entities_covered"),
        ({"entities_covered": "2"}, "entities_covered"),  # only an annuity mandate covers more than one
        ({"counterparty": "联系人 13912345678"}, "counterparty"),
    ],
)
def test_financing_form(staff, net, changes, field):
    data = LOAN | {"branch": str(net["WH-QK-01"].pk)} | changes
    errors = refused(staff, "/services/financing/new/", data, Financing)
    assert list(errors) == [field], errors


def test_valid_credit_code_is_accepted_in_lower_case(staff, net):
    data = LOAN | {"branch": str(net["WH-QK-01"].pk), "credit_code": VALID_CODE.lower()}
    assert staff.post("/services/financing/new/", data).status_code == 302
    assert Financing.objects.get().credit_code == VALID_CODE


def test_full_customer_name_is_masked_and_never_echoed(staff, net, visit_form):
    data = visit_form | {"branch": str(net["WH-QK-01"].pk), "customer_name_masked": "欧阳娜娜", "occurred_on": TOMORROW}
    response = staff.post("/services/home-visits/new/", data)
    assert response.status_code == 200 and "娜娜" not in response.content.decode()
    assert "欧阳**" in response.content.decode()
    assert staff.post("/services/home-visits/new/", data | {"occurred_on": DAY}).status_code == 302
    visit = HomeVisit.objects.get()
    assert visit.customer_name_masked == "欧阳**"
    assert "娜娜" not in str(AuditEntry.objects.filter(object_id=visit.pk).values_list("changes", flat=True))


def test_team_disbanded_before_established(staff, net):
    data = {"branch": str(net["WH-QK-01"].pk), "occurred_on": DAY, "kind": "youth_vanguard", "name": "一队"}
    errors = refused(staff, "/volunteering/teams/new/", data | {"members": "6", "disbanded_on": "2020-01-01"}, Team)
    assert list(errors) == ["disbanded_on"]


def test_intervention_cannot_start_confirmed_or_with_a_negative_amount(staff, net):
    data = {
        "branch": str(net["WH-QK-01"].pk),
        "occurred_on": DAY,
        "channel": "counter_cash",
        "fraud_type": "high_yield",
        "amount_at_risk": "-200",
        "status": "confirmed",
    }
    errors = refused(staff, "/antifraud/interventions/new/", data, Intervention)
    assert set(errors) == {"amount_at_risk", "status"}


def test_out_of_scope_branch_is_404_and_nothing_saved(staff, net, visit_form):
    for code in ("WH-QK-02", "WH-BBT", "WH"):
        data = visit_form | {"branch": str(net[code].pk)}
        assert staff.post("/services/home-visits/new/", data).status_code == 404
    assert not HomeVisit.objects.exists()


def test_edit_with_a_missing_or_bad_version_is_refused(staff, net, staff_qk, visit_form):
    visit = home_visit_create(user=staff_qk, **record_data("home-visits", net))
    data = visit_form | {"branch": str(net["WH-QK-01"].pk), "customer_group": "ill"}
    for version in ({}, {"version": "x"}, {"version": "99999999999999999999"}):
        response = staff.post(f"/services/home-visits/{visit.pk}/edit/", data | version)
        assert response.status_code == 200 and "version" in response.context["form"].errors
    visit.refresh_from_db()
    assert visit.customer_group == "elderly" and visit.version == 1


@pytest.mark.parametrize(
    "query",
    [
        "date_from=not-a-date",
        "date_to=2025-13-45",
        "branch=NO-SUCH-CODE",
        "branch=WH-BBT",  # outside the scope: not offered
        "customer_group=alien",
        "follow_up_pending=maybe",
        "page=abc",
        "page=999999",
        "page=-1",
        "date_from=2025-08-01&page=2",
    ],
)
def test_bad_filter_values_never_fail(staff, net, staff_qk, query):
    home_visit_create(user=staff_qk, **record_data("home-visits", net))
    response = staff.get(f"/services/home-visits/?{query}")
    assert response.status_code == 200


def test_filters_select_records(staff, net, staff_qk):
    early = home_visit_create(
        user=staff_qk, **(record_data("home-visits", net) | {"occurred_on": datetime.date(2025, 3, 1)})
    )
    late = home_visit_create(user=staff_qk, **record_data("home-visits", net) | {"customer_group": "ill"})
    page = staff.get("/services/home-visits/?date_from=2025-06-01").content.decode()
    assert late.get_absolute_url() in page and early.get_absolute_url() not in page
    page = staff.get("/services/home-visits/?customer_group=elderly").content.decode()
    assert early.get_absolute_url() in page and late.get_absolute_url() not in page
    invalid = staff.get("/services/home-visits/?date_from=nonsense")
    assert invalid.context["rows"] == []  # an invalid filter shows nothing rather than everything


def test_list_is_newest_first_and_paged(staff, net, staff_qk):
    from records.services import record_bulk_create

    rows = [
        record_data("outreach-events", net) | {"occurred_on": datetime.date(2025, 1, 1) + datetime.timedelta(days=i)}
        for i in range(30)
    ]
    record_bulk_create(OutreachEvent, user=staff_qk, rows=rows)
    first = staff.get("/services/outreach-events/")
    dates = [row.obj.occurred_on for row in first.context["rows"]]
    assert len(dates) == 25 and dates == sorted(dates, reverse=True) and dates[0] == datetime.date(2025, 1, 30)
    second = staff.get("/services/outreach-events/?page=2")
    assert [row.obj.occurred_on for row in second.context["rows"]][-1] == datetime.date(2025, 1, 1)
