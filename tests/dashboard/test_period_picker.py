"""The period picker: plain controls for a year, a quarter, a month or a range, leading to the
same ?period=… address a link or the API uses; wrong choices are a clear 400, never a 500."""

import re

import pytest
from django.urls import reverse

from core.periods import parse_period
from dashboards.periods import PeriodPickerForm, picker_for

pytestmark = pytest.mark.django_db


def node(code="WH"):
    return reverse("dashboard:node", args=[code])


@pytest.mark.parametrize(
    ("choice", "period"),
    [
        ({"shape": "year", "year": "2024"}, "2024"),
        ({"shape": "quarter", "year": "2025", "quarter": "3"}, "2025Q3"),
        ({"shape": "month", "month": "2025-08"}, "2025-08"),
        ({"shape": "range", "start": "2021-01", "end": "2025-12"}, "2021..2025"),
        ({"shape": "range", "start": "2025-04", "end": "2025-09"}, "2025Q2..2025Q3"),
        ({"shape": "range", "start": "2025-02", "end": "2025-05"}, "2025-02..2025-05"),
        # Fields of the other kinds (all are in the form) are ignored.
        ({"shape": "month", "month": "2025-08", "year": "2020", "start": "2021-01"}, "2025-08"),
    ],
)
def test_each_kind_leads_to_its_period_address(client, net, analyst_wh, choice, period):
    client.force_login(analyst_wh)
    response = client.get(node(), choice | {"sort": "-home_visits"})
    assert response.status_code == 302
    assert response["Location"] == f"{node()}?period={period}&sort=-home_visits"
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["period"].text == period


@pytest.mark.parametrize(
    ("choice", "field"),
    [
        ({"shape": "quarter", "year": "2025"}, "quarter"),
        ({"shape": "month", "month": "2025-13"}, "month"),
        ({"shape": "month", "month": "August"}, "month"),
        ({"shape": "range", "start": "2025-06", "end": "2025-01"}, "end"),
        ({"shape": "range", "start": "1989-01", "end": "2025-12"}, "start"),
        ({"shape": "range", "start": "2001-01", "end": "2025-12"}, "end"),  # beyond ten years
        ({"shape": "year", "year": "1492"}, "year"),
        ({"shape": "decade"}, "shape"),
    ],
)
def test_a_wrong_choice_is_a_400_naming_the_field(client, net, analyst_wh, choice, field):
    client.force_login(analyst_wh)
    response = client.get(node(), choice)
    assert response.status_code == 400
    picker = response.context["picker"]
    assert field in picker.errors
    html = response.content.decode()
    assert 'class="alert alert-danger"' in html and str(picker.errors[field][0]) in html


def test_the_page_shows_the_period_in_the_picker_without_free_text(client, net, analyst_wh):
    client.force_login(analyst_wh)
    html = client.get(node(), {"period": "2021..2025"}).content.decode()
    form = re.search(r'<form method="get" class="period-picker.*?</form>', html, re.S)[0]
    assert 'data-period="2021..2025"' in form
    assert re.search(r'name="shape" value="range"[^>]*checked', form)
    assert re.search(r'name="start" value="2021-01"', form) and re.search(r'name="end" value="2025-12"', form)
    assert 'name="period"' not in form  # no free-text box any more
    for name in ("year", "quarter", "month", "start", "end"):  # every control is labelled
        assert re.search(rf'<label for="period-{name}"', form)


@pytest.mark.parametrize("text", ["2025", "2025Q3", "2025-08", "2021..2025", "2025-02..2025-05", "2025Q1..2025Q2"])
def test_the_picker_of_a_period_leads_back_to_it(text):
    picker = picker_for(parse_period(text))
    data = {name: picker[name].value() for name in picker.fields}
    again = PeriodPickerForm({k: v for k, v in data.items() if v is not None})
    assert again.is_valid(), again.errors
    assert again.cleaned_data["period"] == parse_period(text)
