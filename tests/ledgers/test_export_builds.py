"""Exports beyond EXPORT_INLINE_MAX_ROWS (ledgers/export_builds.py): the export link offers a
background build (a GET never starts one), the POST starts it, its page follows it and offers
the file, which is the export a smaller limit streams at once; only its user downloads it.
Below the limit nothing changes. The rows cost no query each, whatever the kind's columns."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from background.models import DocumentBuild
from branches.models import Role
from ledgers import exporting
from ledgers.exporting import ExportRows
from ledgers.specs import spec_for
from reports import builds
from tests.conftest import DAY, record_data
from tests.kinds import KINDS

pytestmark = pytest.mark.django_db
S = DocumentBuild.State
KIND = next(k for k in KINDS if k.slug == "home-visits")
EXPORT = "/ledgers/home-visits/export"
START = "/ledgers/home-visits/export/"


@pytest.fixture
def writer(net):
    return net.user("writer", "WH", Role.BRANCH_MANAGER)


@pytest.fixture
def visits(net, writer):
    """Three home visits under WH-QK, with staff (a namesake elsewhere in the subtree)."""
    a, b, c = (net.staff("WH-QK-01", name) for name in ("张三", "李四", "王五"))
    net.staff("WH-QK-02", "张三")
    for i, staff in enumerate(([a, b], [b, c], [a, c])):  # a visit is made by two (services/rules.py)
        KIND.create(
            user=writer,
            **record_data("home-visits", net)
            | {"staff": staff, "occurred_on": DAY - datetime.timedelta(days=i), "notes": f"第{i}条"},
        )


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))


def test_at_the_limit_the_export_streams_and_beyond_it_a_get_only_offers_a_build(client, writer, visits, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    client.force_login(writer)
    at_limit = client.get(f"{EXPORT}.csv?branch=WH")
    assert at_limit.status_code == 200 and at_limit["Content-Type"].startswith("text/csv")
    assert len(csv_rows(b"".join(at_limit.streaming_content))) == 4  # header and 3 rows
    settings.EXPORT_INLINE_MAX_ROWS = 2
    for fmt in ("csv", "xlsx"):
        for method in (client.get, client.head):
            offered = method(f"{EXPORT}.{fmt}?branch=WH&page=3")
            assert offered.status_code == 200 and offered["Content-Type"].startswith("text/html")
        page = client.get(f"{EXPORT}.{fmt}?branch=WH&page=3").content.decode()
        assert f'action="{START}"' in page and f'name="format" value="{fmt}"' in page
        assert 'name="branch" value="WH"' in page and 'name="page"' not in page  # the filters only
        assert "超过 2 条记录" in page
    assert not DocumentBuild.objects.exists()  # a GET never starts one


def test_the_background_export_is_the_export_streamed_at_once(
    client, writer, visits, settings, django_capture_on_commit_callbacks
):
    client.force_login(writer)
    direct_csv = b"".join(client.get(f"{EXPORT}.csv?branch=WH-QK").streaming_content)
    direct_xlsx = b"".join(client.get(f"{EXPORT}.xlsx?branch=WH-QK").streaming_content)
    settings.EXPORT_INLINE_MAX_ROWS = 1
    for fmt, direct in (("csv", direct_csv), ("xlsx", direct_xlsx)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(START, {"format": fmt, "branch": "WH-QK"})
        build = DocumentBuild.objects.get(kind=f"ledger-{fmt}")
        assert response.status_code == 302 and response["Location"] == reverse("reports:build", args=[build.token])
        assert build.state == S.DONE and build.branch.code == "WH-QK" and build.user == writer
        page = client.get(response["Location"]).content.decode()
        assert 'data-state="done"' in page and reverse("reports:build-file", args=[build.token]) in page
        download = client.get(reverse("reports:build-file", args=[build.token]))
        assert download.status_code == 200 and build.file_name.startswith("home-visits-")
        assert download["Content-Disposition"] == f'attachment; filename="{build.file_name}"'
        data = b"".join(download.streaming_content)
        if fmt == "csv":
            assert data == direct and [r[6] for r in csv_rows(data)[1:]] == ["张三、王五", "李四、王五", "张三、李四"]
        else:
            built, streamed = (list(load_workbook(io.BytesIO(d)).worksheets[0].values) for d in (data, direct))
            assert built[1:] == streamed[1:] and len(built) == 5  # all but the title's export time
        # the link now offers the copy ready; a second POST while one runs follows it
        offered = client.get(f"{EXPORT}.{fmt}?branch=WH-QK").content.decode()
        assert f'data-ready-build="{build.token}"' in offered
    DocumentBuild.objects.filter(kind="ledger-csv").update(state=S.QUEUED)
    running = DocumentBuild.objects.get(kind="ledger-csv")
    assert client.get(f"{EXPORT}.csv?branch=WH-QK")["Location"] == reverse("reports:build", args=[running.token])
    again = client.post(START, {"format": "csv", "branch": "WH-QK"})
    assert again["Location"] == reverse("reports:build", args=[running.token])
    assert DocumentBuild.objects.count() == 2


def test_only_the_user_who_asked_downloads_the_export(
    client, net, writer, visits, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(START, {"format": "csv"})
    token = DocumentBuild.objects.get().token
    for other in (
        net.user("other_bbt", "WH-BBT", Role.BRANCH_MANAGER),  # another branch
        net.user("other_wh", "WH", Role.BRANCH_MANAGER),  # even one with the same scope
    ):
        client.force_login(other)
        for name in ("reports:build", "reports:build-status", "reports:build-file"):
            assert client.get(reverse(name, args=[token])).status_code == 404


@pytest.mark.parametrize(
    "form,status,message",
    [
        ({"branch": "WH"}, 400, "选择 Excel 或 CSV"),
        ({"format": "pdf"}, 400, "选择 Excel 或 CSV"),
        ({"format": "csv", "date_from": "yesterday"}, 400, "date_from"),
        ({"format": "csv", "branch": "WH-HY"}, 400, "branch"),  # outside the user's scope
    ],
)
def test_a_bad_start_is_refused_with_its_reason(client, net, visits, manager_qk, form, status, message):
    client.force_login(manager_qk)
    response = client.post(START, form)
    assert response.status_code == status and message in response.content.decode()
    assert not DocumentBuild.objects.exists()


def test_a_start_is_a_post_and_the_exports_share_the_builds_caps(client, net, writer, visits, settings):
    client.force_login(writer)
    assert client.get(START).status_code == 405
    settings.REPORT_BUILDS_PER_USER = 1
    DocumentBuild.objects.create(token="busy", user=writer, kind="highlights-pdf", branch=net["WH"])
    refused = client.post(START, {"format": "xlsx"})
    assert refused.status_code == 429 and refused["Retry-After"] == "30" and "已有 1 个文档" in refused.content.decode()
    assert DocumentBuild.objects.count() == 1


def test_the_pages_in_english(client, writer, visits, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(writer)
    page = client.get(f"{EXPORT}.csv", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This list has more than 1 records" in page and "Prepare it now" in page
    refused = client.post(START, {}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Choose Excel or CSV." in refused


def test_the_api_refuses_an_export_beyond_the_limit(client, writer, visits, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    client.force_login(writer)
    assert client.get("/api/v1/ledgers/home-visits/export.csv?branch=WH-QK-01&date_from=2025-08-14").status_code == 200
    for language, words in (("zh-hans", "超过 2 条"), ("en", "More than 2 records match")):
        refused = client.get("/api/v1/ledgers/home-visits/export.xlsx", HTTP_ACCEPT_LANGUAGE=language)
        assert refused.status_code == 400 and words in refused.json()["non_field_errors"][0]
    assert not DocumentBuild.objects.exists()


def test_a_build_whose_filters_no_longer_apply_fails_with_a_message(net, writer, visits):
    build = DocumentBuild.objects.create(
        token="gone",
        user=writer,
        kind="ledger-csv",
        branch=net["WH"],
        params={"slug": "home-visits", "filters": {"branch": ["WH-HY-99"]}, "file_name": "x.csv"},
    )
    builds.run(build.pk)
    build.refresh_from_db()
    assert build.state == S.FAILED and build.error and not list(builds.build_dir().iterdir())


@pytest.mark.parametrize("slug", ["home-visits", "honours", "outreach-events"])
def test_the_rows_cost_no_query_each(net, writer, slug, monkeypatch):
    """Staff lists, a staff member, a partnership: a constant number of queries, over several
    chunks of rows."""
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 2)
    kind = next(k for k in KINDS if k.slug == slug)
    spec = spec_for(slug)
    staff = net.staff("WH-QK-01", "张三")
    extra = {
        "home-visits": {"staff": [staff, net.staff("WH-QK-01", "李四")]},
        "honours": {"recipient_staff": staff},
        "outreach-events": {"partnership": record_data("partnership-activities", net)["partnership"]},
    }[slug]

    def add(n):
        for i in range(n):
            day = DAY - datetime.timedelta(days=kind.model.objects.count() + i)
            kind.create(user=writer, **record_data(slug, net) | extra | {"occurred_on": day, "notes": str(day)})

    def queries() -> tuple[int, int]:
        queryset = spec.model.objects.for_user(writer).order_by("occurred_on", "pk")
        with CaptureQueriesContext(connection) as ctx:
            rows = list(ExportRows(writer, spec, queryset))
        return len(ctx.captured_queries), len(rows)

    add(1)
    few, one = queries()
    add(6)
    many, seven = queries()
    assert (one, seven) == (1, 7) and many == few


def test_staff_links_of_records_the_rows_did_not_see_are_passed_over():
    """The staff lists come from a second query in the rows' order: a record written (or
    deleted) between the two queries does not shift the lists of the others."""
    links = exporting._Links.__new__(exporting._Links)
    d1, d2, d3 = (datetime.date(2025, 8, day) for day in (1, 2, 3))
    links.pairs = iter(
        [(d1, 1, "张三", "A", 7), (d1, 5, "王五", "A", 9), (d2, 2, "李四", "A", 8), (d3, 4, "赵六", "A", 6)]
    )
    links.namesakes, links.waiting = exporting.Namesakes([]), None
    # record 5 is unseen by the rows; record 3 has no staff (or was written after the links' query)
    assert [links.label(d, pk, "/1/") for d, pk in ((d1, 1), (d2, 2), (d2, 3), (d3, 4))] == [
        "张三",
        "李四",
        None,
        "赵六",
    ]
