"""Targets of every sub-branch at once: one value for all, one each, or an XLSX of rows; through
the target service, all or nothing, each wrong row named."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from branches.models import Target
from branches.services import target_set
from core.catalogue import METRICS

pytestmark = pytest.mark.django_db

WH_CHILDREN = ["WH-QK", "WH-BBT", "WH-HY"]


def page_url(code="WH", year=2025, metric="home_visits"):
    return reverse("dashboard:targets-children", args=[code]) + f"?year={year}&metric={metric}"


def upload_url(code="WH", year=2025, metric="home_visits"):
    return reverse("dashboard:targets-upload", args=[code]) + f"?year={year}&metric={metric}"


def saved(year=2025):
    return {(t.branch.code, t.metric): t.value for t in Target.objects.filter(year=year).select_related("branch")}


def xlsx(rows, header=("机构代码", "指标", "目标值")) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("targets.xlsx", out.getvalue())


def test_the_page_lists_every_sub_branch_with_its_target(client, net, analyst_wh):
    target_set(user=analyst_wh, branch=net["WH-QK"], year=2025, metric="home_visits", value=Decimal(12))
    client.force_login(analyst_wh)
    response = client.get(page_url())
    assert response.status_code == 200
    html = response.content.decode()
    for code in WH_CHILDREN:
        assert f'data-child="{code}"' in html
    assert response.context["form"]["child_WH-QK"].value() == Decimal(12)
    assert response.context["form"]["child_WH-BBT"].value() is None
    # The node's own targets page leads here.
    assert (
        page_url("WH", 2025).split("&")[0]
        in client.get(reverse("dashboard:targets", args=["WH"]) + "?year=2025").content.decode()
    )


def test_one_value_for_every_sub_branch(client, net, analyst_wh):
    client.force_login(analyst_wh)
    response = client.post(page_url(), {"every": "40"} | {f"child_{c}": "" for c in WH_CHILDREN})
    assert response.status_code == 302 and response["Location"] == page_url()
    assert saved() == {(c, "home_visits"): Decimal(40) for c in WH_CHILDREN}
    created = AuditEntry.objects.filter(content_type__model="target", action=AuditEntry.Action.CREATE)
    assert created.count() == 3  # each through the service, audited


def test_one_value_each_sets_changes_and_clears(client, net, analyst_wh):
    target_set(user=analyst_wh, branch=net["WH-HY"], year=2025, metric="home_visits", value=Decimal(5))
    client.force_login(analyst_wh)
    data = {"every": "", "child_WH-QK": "10", "child_WH-BBT": "20", "child_WH-HY": ""}
    assert client.post(page_url(), data).status_code == 302
    assert saved() == {("WH-QK", "home_visits"): 10, ("WH-BBT", "home_visits"): 20}


def test_a_bad_value_saves_nothing_and_names_the_sub_branch(client, net, analyst_wh):
    client.force_login(analyst_wh)
    data = {"every": "", "child_WH-QK": "10", "child_WH-BBT": "-3", "child_WH-HY": "1.5"}
    response = client.post(page_url(), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"child_WH-BBT", "child_WH-HY"}  # a count takes no decimals
    assert saved() == {}


def test_staff_may_not_and_out_of_scope_is_404(client, net, staff_qk, manager_qk):
    client.force_login(staff_qk)
    assert client.get(page_url("WH-QK-01")).status_code == 403
    client.force_login(manager_qk)
    assert client.get(page_url("WH-BBT")).status_code == 404
    assert client.post(upload_url("WH-BBT"), {"file": xlsx([("WH-BBT", "home_visits", 1)])}).status_code == 404


@pytest.mark.parametrize("params", ["year=1800&metric=home_visits", "year=2025&metric=nonsense"])
def test_a_bad_year_or_metric_is_400(client, net, analyst_wh, params):
    client.force_login(analyst_wh)
    response = client.get(reverse("dashboard:targets-children", args=["WH"]) + "?" + params)
    assert response.status_code == 400 and 'class="alert alert-danger"' in response.content.decode()


def test_an_xlsx_sets_targets_of_any_branch_below(client, net, analyst_wh):
    client.force_login(analyst_wh)
    rows = [
        ("WH-QK", "home_visits", 30),
        ("WH-QK-01", "home_visits", 12),  # an outlet under a sub-branch
        ("WH-BBT", str(METRICS["outreach_events"].label), 50),  # a metric by its name
        ("WH-HY", "financing_amount_cny", "400000000.50"),
    ]
    response = client.post(upload_url(), {"file": xlsx(rows)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert saved() == {
        ("WH-QK", "home_visits"): 30,
        ("WH-QK-01", "home_visits"): 12,
        ("WH-BBT", "outreach_events"): 50,
        ("WH-HY", "financing_amount_cny"): Decimal("400000000.50"),
    }
    assert Target.objects.get(branch=net["WH-QK"], year=2025, metric="home_visits").set_by == analyst_wh


def test_an_xlsx_with_wrong_rows_saves_nothing_and_names_each_row(client, net, analyst_wh):
    target_set(user=analyst_wh, branch=net["WH-QK"], year=2025, metric="home_visits", value=Decimal(7))
    client.force_login(analyst_wh)
    rows = [
        ("WH-QK", "home_visits", 30),  # row 2: fine
        ("XX-99", "home_visits", 1),  # row 3: no such branch
        ("ICBC", "home_visits", 1),  # row 4: above the node
        ("WH-BBT", "no_such_metric", 1),  # row 5
        ("WH-BBT", "home_visits", "many"),  # row 6
        ("WH-BBT", "home_visits", -1),  # row 7
        ("WH-BBT", "home_visits", 2.5),  # row 8: a count
        ("WH-QK", "home_visits", 31),  # row 9: given again
        ("WH-HY", None, 3),  # row 10: a cell missing
    ]
    response = client.post(upload_url(), {"file": xlsx(rows)})
    assert response.status_code == 400
    errors = {e.row: e.message for e in response.context["upload_errors"]}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "XX-99" in errors[3] and "ICBC" in errors[4] and "no_such_metric" in errors[5]
    assert "many" in errors[6] and "2" in errors[9]
    html = response.content.decode()
    assert 'class="alert alert-danger upload-errors"' in html and 'data-row="10"' in html
    assert saved() == {("WH-QK", "home_visits"): 7}  # untouched


@pytest.mark.parametrize(
    "content",
    [b"", b"not a workbook at all", b"\x89PNG\r\n\x1a\n...."],
)
def test_a_file_that_is_not_a_workbook_is_a_clear_400(client, net, analyst_wh, content):
    client.force_login(analyst_wh)
    response = client.post(upload_url(), {"file": SimpleUploadedFile("t.xlsx", content)})
    assert response.status_code == 400
    assert response.context["upload_errors"] or response.context["upload_form"].errors
    assert saved() == {}


def test_the_file_to_fill_in_round_trips(client, net, analyst_wh):
    target_set(user=analyst_wh, branch=net["WH-BBT"], year=2025, metric="home_visits", value=Decimal(9))
    client.force_login(analyst_wh)
    response = client.get(reverse("dashboard:targets-template", args=["WH"]) + "?year=2025&metric=home_visits")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == WH_CHILDREN
    assert rows[2][1:] == ("home_visits", 9)
    # Filled in and sent back, it saves.
    filled = [(code, metric, 25) for code, metric, _value in rows[1:]]
    assert client.post(upload_url(), {"file": xlsx(filled)}).status_code == 302
    assert saved() == {(c, "home_visits"): 25 for c in WH_CHILDREN}


def test_the_page_reads_a_fixed_number_of_queries(client, net, analyst_wh, django_assert_max_num_queries):
    client.force_login(analyst_wh)
    client.get(page_url())
    with django_assert_max_num_queries(12) as few:
        client.get(page_url())
    for code in ("WH-N1", "WH-N2", "WH-N3", "WH-N4"):
        net.add(code, "WH", "sub_branch")
        target_set(user=analyst_wh, branch=net[code], year=2025, metric="home_visits", value=Decimal(3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page_url()).status_code == 200
