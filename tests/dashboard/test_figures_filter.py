"""Amounts as Chinese reports write them (元 / 万元 / 亿元) and the other figure filters."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from core.numbers import money_scale
from metrics.templatetags.figures import (
    as_percent_int,
    change_percent,
    figure,
    format_number,
    format_yuan,
    percent,
    person,
)


@pytest.fixture(autouse=True)
def _chinese():
    """The Chinese rule unless a test switches (a page test may leave another language active)."""
    with translation.override("zh-hans"):
        yield


CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize(
    "amount, shown",
    [
        (Decimal("5126000000"), "51.26亿元"),
        (Decimal("400000000"), "4亿元"),
        (Decimal("1472.50"), "1,472.50元"),
        (Decimal("0"), "0"),  # zero is "0", never "0.00元"
        (Decimal("9999.99"), "9,999.99元"),
        (Decimal("10000"), "1万元"),
        (Decimal("16500000"), "1,650万元"),
        (Decimal("200000.00"), "20万元"),
        (Decimal("12345"), "1.23万元"),
        (Decimal("12355"), "1.24万元"),  # half up, as reports round
        (Decimal("99999999.99"), "1亿元"),  # 10,000万元 is written 1亿元
        (Decimal("112650000000"), "1,126.5亿元"),
        (Decimal("-25000"), "-2.5万元"),
        (1472.5, "1,472.50元"),
        ("5126000000.00", "51.26亿元"),
        (7, "7元"),  # cents only when there are any
        (Decimal("150000.00"), "15万元"),
        (Decimal("-0.00"), "0"),
    ],
)
def test_yuan_in_yuan_wan_and_yi(amount, shown):
    assert format_yuan(amount) == shown


@pytest.mark.parametrize("empty", [None, "", "not a number", float("nan")])
def test_yuan_of_nothing_is_a_dash(empty):
    assert format_yuan(empty) == "—"


def test_figure_uses_the_metric_unit():
    assert figure(Decimal("400000000.00"), "financing_amount_cny") == "4亿元"
    assert figure(31128, "outreach_attendees") == "31,128"
    assert figure(Decimal("16.50"), "volunteer_hours") == "16.5"
    assert figure(Decimal("16.00"), "volunteer_hours") == "16"
    assert figure(None, "home_visits") == "—"


@pytest.mark.parametrize(
    "amount, shown",
    [
        (Decimal("5126000000"), "5.13 billion yuan"),
        (Decimal("16500000"), "16.5 million yuan"),
        (Decimal("150000.00"), "150,000 yuan"),
        (Decimal("1472.50"), "1,472.50 yuan"),
        (Decimal("999999999.999"), "1 billion yuan"),
        (Decimal("0"), "0"),
        (Decimal("-25000"), "-25,000 yuan"),
    ],
)
def test_yuan_in_english(amount, shown):
    with translation.override("en"):
        assert format_yuan(amount) == shown
        assert not CJK.search(format_yuan(amount))


def test_one_scale_per_axis():
    assert money_scale(Decimal("250000000")).unit == "亿元"
    assert money_scale(Decimal("99999999.99")).unit == "亿元"
    assert money_scale(Decimal("9000")).unit == "元"
    assert money_scale(Decimal("12000")).divisor == 10_000
    with translation.override("en"):
        assert money_scale(Decimal("250000000")).unit == "million yuan"
        assert money_scale(Decimal("2500000000")).divisor == 1_000_000_000


def test_people_by_name_falling_back_to_the_login(django_user_model):
    named = django_user_model(username="analyst_wh", first_name="文华", last_name="陈")
    assert person(named) == named.get_full_name() != "analyst_wh"
    assert person(django_user_model(username="analyst_wh")) == "analyst_wh"
    assert person(None) == "—"


def test_numbers_and_percentages():
    assert format_number(1234567) == "1,234,567"
    assert percent(Decimal("1.0375")) == "103.8%"
    assert change_percent(Decimal("0.169")) == "+16.9%"
    assert change_percent(Decimal("-0.05")) == "-5.0%"
    assert change_percent(None) == "—"
    assert as_percent_int(Decimal("1.5")) == 100
    assert as_percent_int(Decimal("0.876")) == 88
    assert as_percent_int(None) == 0
