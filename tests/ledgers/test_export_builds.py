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
from django.utils import translation
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


def staff_cells(user, **filters) -> list[str | None]:
    spec = spec_for("home-visits")
    queryset = spec.model.objects.for_user(user).filter(**filters).order_by("occurred_on", "pk")
    return [values[6] for values in ExportRows(user, spec, queryset)]


def test_a_staff_cell_lists_the_team_by_name_then_id_with_codes_for_reachable_namesakes(net, writer):
    """Two, three or four staff: ordered by name as Python orders text (code points: capitals,
    then small letters, then Chinese), namesakes by id; a name gets its branch code when a
    namesake is reachable from the visit's branch, not when the namesake is elsewhere."""
    at = {code: (lambda name, code=code: net.staff(code, name)) for code in ("WH-QK-01", "WH-QK-02", "WH-QK")}
    wang, zoe, adam = at["WH-QK-01"]("王五"), at["WH-QK-01"]("Zoe"), at["WH-QK-01"]("adam")
    zhang_here, zhang_above = at["WH-QK-01"]("张三"), at["WH-QK"]("张三")  # namesakes, reachable from WH-QK-01
    li_here, li_there = at["WH-QK-01"]("李四"), at["WH-QK-02"]("李四")  # namesakes, not reachable from each other
    teams = ([wang, li_here], [wang, zoe, adam], [zhang_above, zhang_here, wang, li_here])
    for i, team in enumerate(teams):
        KIND.create(user=writer, **record_data("home-visits", net) | {"staff": team, "notes": f"第{i}条"})
    first, second = sorted((zhang_here, zhang_above), key=lambda s: s.pk)
    assert staff_cells(writer, notes__in=["第0条", "第1条", "第2条"]) == [
        "李四、王五",
        "Zoe、adam、王五",
        f"张三({first.branch.code})、张三({second.branch.code})、李四、王五",
    ]
    assert li_there.branch.code == "WH-QK-02"  # a namesake that does not reach WH-QK-01 changes nothing


def test_the_staff_cells_cost_one_query_whatever_the_rows_and_team_sizes(net, writer):
    staff = [net.staff("WH-QK-01", name) for name in ("张三", "李四", "王五", "赵六")]

    def add(teams):
        for team in teams:
            KIND.create(user=writer, **record_data("home-visits", net) | {"staff": team})

    def queries() -> tuple[int, list]:
        with CaptureQueriesContext(connection) as ctx:
            cells = staff_cells(writer)
        return len(ctx.captured_queries), cells

    add([staff[:2]])
    few, one = queries()
    add([staff[:3], staff, staff[1:3]] * 3)
    many, ten = queries()
    assert one == ["张三、李四"] and len(ten) == 10 and many == few
    assert sorted(set(ten)) == ["张三、李四", "张三、李四、王五", "张三、李四、王五、赵六", "李四、王五"]


def test_a_staff_cell_names_whom_the_rows_query_found(net, writer):
    """The staff's names are read after the rows that name them: a member linked once the export
    was set up but before its rows were read is in the cell; one who left the team is not."""
    spec = spec_for("home-visits")
    a, b = net.staff("WH-QK-01", "张三"), net.staff("WH-QK-01", "李四")
    visit = KIND.create(user=writer, **record_data("home-visits", net) | {"staff": [a, b]})
    rows = ExportRows(writer, spec, spec.model.objects.for_user(writer).order_by("occurred_on", "pk"))
    visit.staff.add(net.staff("WH-QK-01", "王五"))
    visit.staff.remove(a)
    assert [values[6] for values in rows] == ["李四、王五"]


def test_the_staff_read_are_those_the_rows_name_not_the_whole_network(net, writer):
    """An export of a few visits reads the names of their teams only, whatever the staff of
    other branches (a national network has tens of thousands)."""
    team = [net.staff("WH-QK-01", "张三"), net.staff("WH-QK-01", "李四")]
    KIND.create(user=writer, **record_data("home-visits", net) | {"staff": team})
    for i in range(30):
        net.staff("WH-HY-01", f"远处{i}")
    spec = spec_for("home-visits")
    rows = ExportRows(writer, spec, spec.model.objects.for_user(writer).order_by("occurred_on", "pk"))
    assert [values[6] for values in rows] == ["张三、李四"]
    lists = rows.staff_lists[0][0]
    assert sorted(pk for pk, member in lists.members.items() if member) == sorted(s.pk for s in team)


def test_choice_cells_show_the_label_an_old_code_as_stored_and_nothing_for_an_empty_one(net, writer):
    """The query computes the labels (in Chinese): a code no longer among the choices comes out
    as it is stored, an empty one as an empty cell; a love-station tally, whose columns are all
    fields or labels, comes out as the query's row."""
    spec = spec_for("home-visits")
    visit = KIND.create(user=writer, **record_data("home-visits", net) | {"customer_age_band": ""})

    def cells(spec) -> list[dict]:
        queryset = spec.model.objects.for_user(writer).order_by("occurred_on", "pk")
        return [
            dict(zip((c.name for c in spec.columns), values, strict=True))
            for values in ExportRows(writer, spec, queryset)
        ]

    (row,) = cells(spec)
    assert (row["customer_group"], row["customer_age_band"]) == ("老年客户", None)
    spec.model.objects.filter(pk=visit.pk).update(customer_group="retired-code")
    assert cells(spec)[0]["customer_group"] == "retired-code"

    tallies = spec_for("love-station-tallies")
    tally = next(k for k in KINDS if k.slug == "love-station-tallies")
    tally.create(user=writer, **record_data("love-station-tallies", net))
    (values,) = ExportRows(writer, tallies, tallies.model.objects.for_user(writer))
    field = tallies.model._meta.get_field
    with translation.override("zh-hans"):
        labels = (str(dict(field("visitor_group").choices)["courier"]), str(dict(field("service").choices)["water"]))
    assert values.__class__ is tuple and values[:1] + values[2:5] == ("WH-HY-01", *labels, 3)
    assert all("\u4e00" <= label[0] <= "\u9fff" for label in labels)  # the Chinese labels, not the codes
