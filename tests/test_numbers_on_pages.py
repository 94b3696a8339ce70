"""One way to write numbers (docs/numbers.md) on record pages, list filters, targets and charts."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from branches.services import target_set
from core.catalogue import METRICS
from core.kinds import kind_for_slug
from core.periods import parse_period
from dashboards.charts import axis, chart_data
from dashboards.node_metrics import read_metrics
from services.services import financing_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


def test_a_record_page_writes_an_amount_as_the_dashboard_does(client, net):
    data = record_data("financing", net) | {"amount": Decimal("150000.00")}
    record = financing_create(user=net.root_user, **data)
    client.force_login(net.root_user)
    html = client.get(record.get_absolute_url()).content.decode()
    assert "15万元" in html
    assert "150000.00" not in html and "150,000.00" not in html


def test_a_zero_amount_is_written_0_not_0_00(client, net):
    data = record_data("financing", net) | {"amount": Decimal("0.00")}
    record = financing_create(user=net.root_user, **data)
    client.force_login(net.root_user)
    html = client.get(record.get_absolute_url()).content.decode()
    assert "0.00元" not in html and "0.00 元" not in html


def test_the_follow_up_filter_defaults_to_all(client, net):
    client.force_login(net.root_user)
    html = client.get(kind_for_slug("home-visits").url("list")).content.decode()
    select = html[html.index('name="follow_up_pending"') :]
    select = select[: select.index("</select>")]
    assert '<option value="unknown" selected>全部</option>' in select
    assert "未知" not in select


@pytest.mark.parametrize("value, shown", [("true", {"pending"}), ("false", {"done"}), ("unknown", {"pending", "done"})])
def test_the_follow_up_filter_still_reads_yes_no_and_all(client, net, value, shown):
    kind = kind_for_slug("home-visits")
    data = record_data("home-visits", net)
    pending = kind.create(user=net.root_user, **data)
    done = kind.create(user=net.root_user, **data | {"follow_up_done_on": data["occurred_on"]})
    client.force_login(net.root_user)
    response = client.get(kind.url("list"), {"follow_up_pending": value})
    assert response.status_code == 200
    listed = {r.pk for r in response.context["page_obj"].object_list}
    assert listed == {{"pending": pending.pk, "done": done.pk}[name] for name in shown}


def test_a_target_names_who_set_it_by_full_name(client, net, analyst_wh):
    analyst_wh.first_name, analyst_wh.last_name = "文华", "陈"
    analyst_wh.save()
    target_set(user=analyst_wh, branch=net["WH-QK"], year=2025, metric="home_visits", value=Decimal(120))
    client.force_login(analyst_wh)
    html = client.get(reverse("dashboard:targets", args=["WH-QK"]) + "?year=2025").content.decode()
    assert analyst_wh.get_full_name() in html
    assert "由 analyst_wh 设置" not in html


def test_an_axis_has_one_unit_and_counts_have_whole_ticks():
    money = axis("financing_amount_cny", [5000.0, 2_000_000.0, 250_000_000.0])
    assert (money["divisor"], money["unit"], money["integer"]) == (100_000_000, "亿元", False)
    assert axis("financing_amount_cny", [5000.0, 90_000.0])["unit"] == "万元"
    assert axis("home_visits", [0, 1, 2]) == {"divisor": 1, "unit": "", "integer": True}
    assert axis("volunteer_hours", [1.5])["integer"] is False
    with translation.override("en"):
        assert axis("financing_amount_cny", [250_000_000.0])["unit"] == "million yuan"


def test_chart_data_carries_the_axis_of_every_metric(net):
    data = record_data("financing", net) | {"amount": Decimal("3000000.00")}
    financing_create(user=net.root_user, **data)
    charts = chart_data(parse_period("2025"), None, read_metrics(net["WH"], parse_period("2025"), None, list(METRICS)))
    assert charts["metrics"]["financing_amount_cny"]["axis"]["unit"] == "万元"
    assert charts["metrics"]["home_visits"]["axis"]["integer"] is True
    assert all("axis" in split for split in charts["splits"])


def test_export_headings_name_the_unit_of_each_measured_column(client, net, analyst_wh):
    import csv
    import io

    client.force_login(analyst_wh)
    response = client.get(reverse("dashboard:export-csv", args=["WH"]), {"period": "2025", "table": "children"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    with translation.override("zh-hans"):
        for metric in METRICS.values():
            heading = next(h for h in header if h == str(metric.label))
            if metric.unit == "cny":
                assert heading.endswith("元）"), heading
            if metric.unit == "hours":
                assert heading.endswith("小时）"), heading
