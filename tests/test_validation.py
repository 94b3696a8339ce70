"""Each validation rule refuses bad input with a clear, field-level message; nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.privacy import contains_mobile, contains_resident_id, mask_name, redact
from core.validators import credit_code_check_char, validate_credit_code
from services.models import Financing, HomeVisit
from services.services import financing_create, home_visit_create
from tests.conftest import record_data

VALID_CREDIT_CODE = "91420100" + "MA4KXXXX0"  # 17 characters, check character appended below
VALID_CREDIT_CODE = VALID_CREDIT_CODE.replace("X", "1")
VALID_CREDIT_CODE += credit_code_check_char(VALID_CREDIT_CODE)


def test_credit_code_check_character():
    validate_credit_code(VALID_CREDIT_CODE)
    validate_credit_code("91350100M000100Y43")  # a published example code
    wrong = VALID_CREDIT_CODE[:17] + ("0" if VALID_CREDIT_CODE[17] != "0" else "1")
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(wrong)
    assert refused.value.code == "credit_code_check"
    with pytest.raises(ValidationError) as refused:
        validate_credit_code("91420100MA4K1111I")
    assert refused.value.code == "credit_code_format"


@pytest.mark.parametrize(
    "text, has_id, has_mobile",
    [
        ("客户身份证420106195001011234已核验", True, False),
        ("证件 42010619500101123X", True, False),
        ("联系电话13912345678", False, True),
        ("电话 139-1234-5678", False, True),
        ("金额 200000.00 元，工单号 2025081400012345678901", False, False),
        ("客户张**，70岁", False, False),
    ],
)
def test_identifier_detection(text, has_id, has_mobile):
    assert contains_resident_id(text) is has_id
    assert contains_mobile(text) is has_mobile
    assert not contains_resident_id(redact(text)) and not contains_mobile(redact(text))


def test_mask_name():
    assert mask_name("王小明") == "王**"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("王**") == "王**"


def _refused(create, user, **data) -> dict:
    with pytest.raises(ValidationError) as refused:
        create(user=user, **data)
    return refused.value.message_dict


@pytest.mark.django_db
class TestRecordValidation:
    def test_id_number_in_notes(self, net, staff_qk):
        data = record_data("home-visits", net) | {"notes": "身份证420106195001011234"}
        with translation.override("zh-hans"):
            errors = _refused(home_visit_create, staff_qk, **data)
        assert list(errors) == ["notes"]
        assert HomeVisit.objects.count() == 0

    def test_mobile_number_in_any_free_text(self, net, staff_qk):
        data = record_data("financing", net) | {"counterparty": "联系人 13912345678"}
        assert list(_refused(financing_create, staff_qk, **data)) == ["counterparty"]
        assert Financing.objects.count() == 0

    def test_future_date(self, net, staff_qk):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        errors = _refused(home_visit_create, staff_qk, **(record_data("home-visits", net) | {"occurred_on": tomorrow}))
        assert list(errors) == ["occurred_on"]

    @pytest.mark.parametrize("amount", [Decimal("-1.00"), Decimal("1.234"), Decimal("99999999999999.00")])
    def test_bad_amounts(self, net, staff_qk, amount):
        errors = _refused(financing_create, staff_qk, **(record_data("financing", net) | {"amount": amount}))
        assert "amount" in errors
        assert Financing.objects.count() == 0

    def test_invalid_credit_code(self, net, staff_qk):
        data = record_data("financing", net) | {"credit_code": VALID_CREDIT_CODE[:17] + "Z"}
        assert "credit_code" in _refused(financing_create, staff_qk, **data)

    def test_unmasked_customer_name(self, net, staff_qk):
        data = record_data("home-visits", net) | {"customer_name_masked": "王小明"}
        assert "customer_name_masked" in _refused(home_visit_create, staff_qk, **data)

    def test_valid_credit_code_is_stored_uppercase(self, net, staff_qk):
        loan = financing_create(
            user=staff_qk, **(record_data("financing", net) | {"credit_code": VALID_CREDIT_CODE.lower()})
        )
        assert loan.credit_code == VALID_CREDIT_CODE
        assert loan.counterparty_key == "code:" + VALID_CREDIT_CODE

    def test_love_station_tally_needs_a_station(self, net):
        from services.services import love_station_tally_create

        user = net.user("s", "WH-QK-01", "outlet_staff")
        data = record_data("love-station-tallies", net) | {"branch": net["WH-QK-01"]}
        assert "branch" in _refused(love_station_tally_create, user, **data)

    def test_team_disbanded_before_established(self, net, staff_qk):
        from volunteering.services import team_create

        data = record_data("teams", net) | {"disbanded_on": datetime.date(2020, 1, 1)}
        assert "disbanded_on" in _refused(team_create, staff_qk, **data)

    def test_messages_are_in_chinese_by_default(self, net, staff_qk):
        data = record_data("home-visits", net) | {"notes": "13912345678"}
        with translation.override("zh-hans"):
            errors = _refused(home_visit_create, staff_qk, **data)
        assert "手机号" in errors["notes"][0]
