"""Evidence packs: items with their figures, statement (≤ 500 characters), dated photos and
records; items without evidence flagged on the page and in the zip."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from audit.models import AuditEntry
from records.photos import photo_add
from reports.evidence import build_pack
from reports.models import EvaluationItem, EvaluationScheme, EvidenceStatement
from services.services import home_visit_create
from tests.conftest import record_data
from tests.reports.conftest import jpeg_with_exif

pytestmark = pytest.mark.django_db
TAKEN = datetime.datetime(2025, 8, 14, 10, 30)


@pytest.fixture
def outlet_scheme():
    return EvaluationScheme.objects.get(code="civilized-outlet")


@pytest.fixture
def visit_with_photo(net, staff_qk):
    visit = home_visit_create(user=staff_qk, **record_data("home-visits", net))
    photo_add(visit, user=staff_qk, upload=jpeg_with_exif(TAKEN), caption="上门办理养老金认证")
    return visit


def evidence_of(pack, code):
    return next(e for e in pack.items if e.item.code == code)


def test_three_schemes_are_seeded_and_every_item_is_valid():
    assert set(EvaluationScheme.objects.values_list("code", flat=True)) >= {
        "civilized-outlet",
        "civilized-unit",
        "youth-civilization",
    }
    for item in EvaluationItem.objects.all():
        item.full_clean()
        assert item.points > 0


def test_an_item_mapping_is_validated():
    scheme = EvaluationScheme.objects.create(code="x", name="x")
    bad = EvaluationItem(scheme=scheme, code="X-1", title="x", points=1, kinds=["no-such-kind"], metrics=["nope"])
    with pytest.raises(Exception) as refused:
        bad.full_clean()
    assert {"kinds", "metrics"} <= set(refused.value.message_dict)
    wrong_split = EvaluationItem(
        scheme=scheme, code="X-2", title="x", points=1, kinds=["home-visits"], metrics=["home_visits"], split="theme:x"
    )
    with pytest.raises(Exception) as refused:
        wrong_split.full_clean()
    assert "split" in refused.value.message_dict


def test_each_item_gets_figures_records_and_dated_photos(net, staff_qk, outlet_scheme, visit_with_photo):
    pack = build_pack(staff_qk, outlet_scheme, net["WH-QK-01"], 2025)
    visits = evidence_of(pack, "CS-01")
    assert not visits.flagged and visits.record_count == 1
    assert visits.records[0][1].pk == visit_with_photo.pk
    assert [f.value for f in visits.figures] == [1]
    assert visits.figures[0].url == "/services/home-visits/?branch=WH-QK-01&date_from=2025-01-01&date_to=2025-12-31"
    assert [p.taken_on for p in visits.photos] == [datetime.date(2025, 8, 14)]
    assert len(visits.statement) <= 500 and "1" in visits.statement


def test_items_without_records_are_flagged(net, staff_qk, outlet_scheme, visit_with_photo, client):
    pack = build_pack(staff_qk, outlet_scheme, net["WH-QK-01"], 2025)
    flagged = {e.item.code for e in pack.flagged}
    assert "CS-08" in flagged  # no record kind maps to it: evidence must come from elsewhere
    assert "CS-03" in flagged  # no intervention recorded in 2025
    assert "CS-01" not in flagged
    client.force_login(staff_qk)
    page = client.get(reverse("reports:evidence", args=["WH-QK-01", "civilized-outlet"]) + "?year=2025")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-item="CS-08" data-flagged="true"' in html and 'data-item="CS-01" data-flagged="false"' in html


def test_the_zip_is_ready_to_upload(net, staff_qk, outlet_scheme, visit_with_photo, client):
    client.force_login(staff_qk)
    response = client.get(reverse("reports:evidence-zip", args=["WH-QK-01", "civilized-outlet"]) + "?year=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    photo = [n for n in names if n.endswith(".jpg")]
    assert photo == [f"CS-01_适老化服务与上门服务/照片/2025-08-14_home-visits_{visit_with_photo.pk}_1.jpg"]
    assert archive.read(photo[0])[:2] == b"\xff\xd8"
    flagged_docs = [n for n in names if n.startswith("CS-08_") and n.endswith(".docx")]
    assert flagged_docs and "缺少佐证材料" in flagged_docs[0]
    index = Document(io.BytesIO(archive.read("00_佐证材料清单.docx")))
    cells = [c.text for row in index.tables[0].rows for c in row.cells]
    assert "CS-08" in cells and "【缺少佐证材料】缺少台账记录" in cells
    assert "已备齐" in cells  # CS-01: its visit and its photo
    item = Document(io.BytesIO(archive.read("CS-01_适老化服务与上门服务/CS-01_说明.docx")))
    text = "\n".join(p.text for p in item.paragraphs)
    assert "2025-08-14" in text and "上门办理养老金认证" in text


def test_a_statement_is_editable_up_to_500_characters_and_audited(net, staff_qk, outlet_scheme, client):
    client.force_login(staff_qk)
    url = reverse("reports:evidence", args=["WH-QK-01", "civilized-outlet"]) + "?year=2025"
    item = outlet_scheme.items.get(code="CS-01")
    too_long = client.post(url, {"item": item.pk, "statement": "服" * 501})
    assert too_long.status_code == 400 and not EvidenceStatement.objects.exists()
    saved = client.post(url, {"item": item.pk, "statement": "网点常态化开展上门服务。" * 10})
    assert saved.status_code == 302
    statement = EvidenceStatement.objects.get(branch=net["WH-QK-01"], item=item, year=2025)
    assert statement.text.startswith("网点常态化开展上门服务") and statement.updated_by == staff_qk
    assert AuditEntry.objects.filter(object_id=statement.pk, action="create", user=staff_qk).exists()
    assert build_pack(staff_qk, outlet_scheme, net["WH-QK-01"], 2025).items[0].statement == statement.text


def test_scope_and_bad_input(net, staff_qk, client):
    client.force_login(staff_qk)
    assert client.get(reverse("reports:evidence", args=["WH-BBT", "civilized-outlet"])).status_code == 404
    assert client.get(reverse("reports:evidence", args=["WH-QK-01", "no-such"])).status_code == 404
    assert (
        client.get(reverse("reports:evidence", args=["WH-QK-01", "civilized-unit"]) + "?year=20x5").status_code == 400
    )
    page = client.post(reverse("reports:evidence", args=["WH-QK-01", "civilized-unit"]), {"item": "999999"})
    assert page.status_code == 400


def test_the_reports_index_lists_schemes(client, staff_qk):
    client.force_login(staff_qk)
    page = client.get(reverse("reports:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "文明规范服务网点" in html and reverse("reports:evidence", args=["WH-QK-01", "youth-civilization"]) in html


def test_the_seed_command_restores_missing_schemes_and_is_idempotent():
    EvaluationScheme.objects.filter(code="youth-civilization").delete()
    out = io.StringIO()
    call_command("seed_evaluation_schemes", stdout=out)
    assert "7 evaluation items created" in out.getvalue()
    call_command("seed_evaluation_schemes", stdout=out)
    assert "0 evaluation items created" in out.getvalue()
    assert EvaluationItem.objects.filter(scheme__code="youth-civilization").count() == 7


def test_the_evidence_page_takes_the_same_queries_for_one_record_or_many(net, staff_qk, visit_with_photo, client):
    client.force_login(staff_qk)
    url = reverse("reports:evidence", args=["WH-QK-01", "civilized-outlet"]) + "?year=2025"

    def queries() -> int:
        client.get(url)  # warm: content types, translations
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(6):
        visit = home_visit_create(user=staff_qk, **record_data("home-visits", net))
        photo_add(visit, user=staff_qk, upload=jpeg_with_exif(TAKEN), caption="上门服务")
    assert queries() == one


# ---- Completeness, the year and the period, formatted numbers (issue 22) ----


def pack_url(code="WH-QK-01", scheme="civilized-outlet", **params):
    from urllib.parse import urlencode

    return reverse("reports:evidence", args=[code, scheme]) + ("?" + urlencode(params) if params else "")


def test_an_item_asking_for_photos_is_incomplete_without_them(net, staff_qk, outlet_scheme, client):
    home_visit_create(user=staff_qk, **record_data("home-visits", net))  # a record, no photo
    pack = build_pack(staff_qk, outlet_scheme, net["WH-QK-01"], 2025)
    visits = evidence_of(pack, "CS-01")  # guidance: 上门服务记录、服务照片
    assert visits.record_count == 1 and visits.photos == []
    assert visits.flagged and visits.missing == ["photos"] and visits.status == "缺少现场照片"
    assert "尚缺现场照片" in visits.statement
    assert evidence_of(pack, "CS-08").status == "缺少台账记录"
    client.force_login(staff_qk)
    html = client.get(pack_url(period="2025")).content.decode()
    assert 'data-item="CS-01" data-flagged="true"' in html
    section = html[html.index('id="item-CS-01"') : html.index('id="item-CS-02"')]
    assert "evidence-missing" in section and "现场照片" in section and "已备齐" not in section
    archive = zipfile.ZipFile(io.BytesIO(client.get(pack_url(period="2025").replace("/?", "/pack.zip?")).content))
    index = Document(io.BytesIO(archive.read("00_佐证材料清单.docx")))
    row = next(r for r in index.tables[0].rows if r.cells[0].text == "CS-01")
    assert [c.text for c in row.cells][3:] == ["1", "0", "【缺少佐证材料】缺少现场照片"]


def test_an_item_with_records_and_photos_is_complete(net, staff_qk, outlet_scheme, visit_with_photo, client):
    pack = build_pack(staff_qk, outlet_scheme, net["WH-QK-01"], 2025)
    visits = evidence_of(pack, "CS-01")
    assert visits.missing == [] and visits.status == "已备齐" and "尚缺" not in visits.statement
    # an item whose guidance asks for no photos is complete with records alone
    item = outlet_scheme.items.get(code="CS-05")
    assert "照片" not in item.guidance
    client.force_login(staff_qk)
    html = client.get(pack_url(period="2025")).content.decode()
    section = html[html.index('id="item-CS-01"') : html.index('id="item-CS-02"')]
    assert "evidence-complete" in section


def test_the_year_defaults_to_the_last_complete_one_and_never_offers_a_future_one(net, staff_qk, client):
    from django.utils import timezone

    this_year = timezone.localdate().year
    client.force_login(staff_qk)
    page = client.get(pack_url())
    assert page.status_code == 200 and page.context["pack"].year == this_year - 1
    assert all(y <= this_year for y, _label in page.context["years"])
    assert f"?period={this_year + 1}" not in page.content.decode()
    assert page.context["zip_url"].endswith(f"?period={this_year - 1}")
    current = client.get(pack_url(period=str(this_year)))
    assert current.status_code == 200 and "evidence-partial-year" in current.content.decode()
    for params in ({"period": str(this_year + 1)}, {"year": str(this_year + 1)}):
        refused = client.get(pack_url(**params))
        assert refused.status_code == 400
        assert f"{this_year + 1}年尚未开始" in refused.content.decode()
    zip_refused = client.get(
        reverse("reports:evidence-zip", args=["WH-QK-01", "civilized-outlet"]) + f"?period={this_year + 1}"
    )
    assert zip_refused.status_code == 400 and "尚未开始" in zip_refused.content.decode()


def test_the_pack_honours_period_like_every_other_page(net, staff_qk, outlet_scheme, visit_with_photo, client):
    client.force_login(staff_qk)
    page = client.get(pack_url(period="2024"))
    assert page.status_code == 200 and page.context["pack"].year == 2024
    assert 'data-item="CS-01" data-flagged="true"' in page.content.decode()  # the visit is of 2025
    page = client.get(pack_url(period="2025", year="2025"))
    assert page.status_code == 200 and page.context["pack"].year == 2025
    assert client.get(pack_url(year="2025")).context["pack"].year == 2025  # the alias
    quarter = client.get(pack_url(period="2025Q3"))
    assert quarter.status_code == 400 and "period=2025" in quarter.content.decode()
    assert "整年" in quarter.content.decode()
    disagree = client.get(pack_url(period="2025", year="2024"))
    assert disagree.status_code == 400 and "不一致" in disagree.content.decode()
    assert client.get(pack_url(period="20x5")).status_code == 400
    zipped = client.get(reverse("reports:evidence-zip", args=["WH-QK-01", "civilized-outlet"]) + "?period=2025")
    assert zipped.status_code == 200 and "evidence-WH-QK-01-civilized-outlet-2025.zip" in zipped["Content-Disposition"]


def test_counts_are_written_with_thousands_separators(net, staff_qk, outlet_scheme):
    from reports.evidence import ItemEvidence, generated_statement
    from reports.evidence_files import index_docx

    pack = build_pack(staff_qk, outlet_scheme, net["WH-QK-01"], 2025)
    visits = evidence_of(pack, "CS-01")
    visits.record_count = 2700
    assert visits.record_count_text == "2,700"
    assert "附台账记录2,700条" in generated_statement(visits, net["WH-QK-01"], pack.period)
    assert ItemEvidence(visits.item, record_count=12345).record_count_text == "12,345"
    index = Document(io.BytesIO(index_docx(pack)))
    row = next(r for r in index.tables[0].rows if r.cells[0].text == "CS-01")
    assert row.cells[3].text == "2,700"


# ---- Study (学习教育) and co-building (共建) items (issue 17) ----


def test_study_and_partnership_items_show_their_records_figures_and_photos(net, staff_qk, client):
    from core.kinds import kind_for_slug
    from tests.conftest import DAY

    qk = net["WH-QK-01"]
    study = kind_for_slug("study-sessions").create(
        user=staff_qk, **(record_data("study-sessions", net) | {"branch": qk})
    )
    photo_add(study, user=staff_qk, upload=jpeg_with_exif(TAKEN), caption="清廉读书会")
    partnerships = kind_for_slug("partnerships")
    since_2024 = partnerships.create(
        user=staff_qk,
        branch=qk,
        occurred_on=datetime.date(2024, 3, 1),
        partner_name="百步亭社区",
        partner_type="community",
    )
    partnerships.create(  # ended before 2025: not evidence of 2025
        user=staff_qk,
        branch=qk,
        occurred_on=datetime.date(2023, 3, 1),
        ended_on=datetime.date(2024, 6, 30),
        partner_name="智苑社区",
        partner_type="community",
    )
    activity = kind_for_slug("partnership-activities").create(
        user=staff_qk,
        branch=qk,
        occurred_on=DAY,
        partnership=since_2024,
        activity_type="party_building",
        people_reached=40,
    )
    photo_add(activity, user=staff_qk, upload=jpeg_with_exif(TAKEN), caption="幸福家小程序上线")

    unit = EvaluationScheme.objects.get(code="civilized-unit")
    assert sum(i.points for i in unit.items.all()) == 100
    pack = build_pack(staff_qk, unit, qk, 2025)
    learning = evidence_of(pack, "WU-08")
    assert [f.value for f in learning.figures] == [1, 10, Decimal("20.0")]  # sessions, person-times, hours
    assert [r.pk for _k, r in learning.records] == [study.pk] and learning.status == "已备齐"
    assert [p.photo.caption for p in learning.photos] == ["清廉读书会"]
    co = evidence_of(pack, "WU-09")
    assert [f.value for f in co.figures] == [1, 1, 40]  # active partnerships, activities, people reached
    assert sorted(r.pk for _k, r in co.records) == sorted([since_2024.pk, activity.pk]) and co.record_count == 2
    assert [p.photo.caption for p in co.photos] == ["幸福家小程序上线"] and co.status == "已备齐"
    assert "partnerships/?branch=WH-QK-01&date_to=2025-12-31&active=true" in co.record_lists[0][1]

    youth = build_pack(staff_qk, EvaluationScheme.objects.get(code="youth-civilization"), qk, 2025)
    assert [f.value for f in evidence_of(youth, "QN-07").figures][:2] == [1, 10]

    client.force_login(staff_qk)
    html = client.get(
        reverse("reports:evidence", args=["WH-QK-01", "civilized-unit"]) + "?period=2025"
    ).content.decode()
    section = html[html.index('id="item-WU-09"') :]
    assert "共 2 条记录" in section and "百步亭社区" in section and "智苑社区" not in section
    assert 'data-item="WU-08" data-flagged="false"' in html
