"""Evidence packs: items with their figures, statement (≤ 500 characters), dated photos and
records; items without evidence flagged on the page and in the zip."""

import datetime
import io
import zipfile

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
    assert "CS-08" in cells and "【缺少佐证材料】" in cells
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
    assert "6 evaluation items created" in out.getvalue()
    call_command("seed_evaluation_schemes", stdout=out)
    assert "0 evaluation items created" in out.getvalue()
    assert EvaluationItem.objects.filter(scheme__code="youth-civilization").count() == 6


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
