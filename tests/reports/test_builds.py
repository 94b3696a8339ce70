"""Report documents built in the background (reports/builds.py), here run in this process: the
page polls the build and offers the file, which is the document the direct download gives; the
build is its user's; bad input is a 400 with the reason; the user's and the portal's caps; a
build delivered again, interrupted too often, or not queued."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from background.models import DocumentBuild
from reports import builds
from reports.tasks import build_document
from services.services import outreach_event_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

S = DocumentBuild.State
NEW = "/reports/builds/"


@pytest.fixture
def recorded(net, staff_qk):
    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))


def start(client, **form):
    return client.post(NEW, {"code": "WH-QK-01", "period": "2025", **form})


def test_a_word_report_built_in_the_background_is_the_one_downloaded_directly(
    client, net, staff_qk, recorded, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://portal.example.cn"
    client.force_login(staff_qk)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, kind="highlights-docx")
    assert response.status_code == 302
    build = DocumentBuild.objects.get()
    assert response["Location"] == reverse("reports:build", args=[build.token]) and build.state == S.DONE
    page = client.get(response["Location"]).content.decode()
    assert (
        'data-state="done"' in page and 'hx-trigger="every 1s"' not in page and "highlights-WH-QK-01-2025.docx" in page
    )
    download = client.get(reverse("reports:build-file", args=[build.token]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="highlights-WH-QK-01-2025.docx"'
    built = Document(io.BytesIO(b"".join(download.streaming_content)))
    direct = client.get(reverse("reports:highlights-docx", args=["WH-QK-01"]) + "?period=2025")
    direct_text = [p.text for p in Document(io.BytesIO(direct.content)).paragraphs if "生成于" not in p.text]
    assert [p.text for p in built.paragraphs if "生成于" not in p.text] == direct_text  # but when it was made
    links = [r.target_ref for r in built.part.rels.values() if r.is_external]
    assert links and all(link.startswith("https://portal.example.cn/") for link in links)


def test_a_pdf_and_an_evidence_pack(client, net, staff_qk, recorded, django_capture_on_commit_callbacks):
    client.force_login(staff_qk)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, kind="highlights-pdf")
    pdf = DocumentBuild.objects.get(kind="highlights-pdf")
    assert pdf.state == S.DONE and builds.file_of(pdf).read_bytes().startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            NEW, {"kind": "evidence-zip", "code": "WH-QK-01", "scheme": "civilized-outlet", "year": "2025"}
        )
    pack = DocumentBuild.objects.get(kind="evidence-zip")
    assert response.status_code == 302 and pack.state == S.DONE
    direct = client.get(reverse("reports:evidence-zip", args=["WH-QK-01", "civilized-outlet"]) + "?year=2025")
    built = zipfile.ZipFile(builds.file_of(pack))
    assert built.namelist() == zipfile.ZipFile(io.BytesIO(direct.content)).namelist()


def test_a_build_is_its_users_only(client, net, staff_qk, staff_qk2, recorded):
    client.force_login(staff_qk)
    start(client, kind="highlights-docx")
    token = DocumentBuild.objects.get().token
    client.force_login(staff_qk2)  # same outlet, another user
    for name in ("reports:build", "reports:build-status", "reports:build-file"):
        assert client.get(reverse(name, args=[token])).status_code == 404


@pytest.mark.parametrize(
    "form,status,message",
    [
        ({"kind": "highlights-pdf", "period": "2025Q9"}, 400, "2025Q9"),
        ({"kind": "spreadsheet"}, 400, "选择"),
        ({"kind": "evidence-zip", "scheme": "no-such"}, 400, "考评体系"),
        ({"kind": "evidence-zip", "scheme": "civilized-outlet", "year": "20x5"}, 400, "20x5"),
        ({"kind": "evidence-zip", "scheme": "civilized-outlet", "period": "", "year": "2099"}, 400, "2099年尚未开始"),
        ({"kind": "evidence-zip", "scheme": "civilized-outlet", "period": "2025Q3"}, 400, "period=2025"),
        ({"kind": "highlights-pdf", "code": "WH-BBT"}, 404, ""),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_is_built(client, net, staff_qk, form, status, message):
    client.force_login(staff_qk)
    response = start(client, **form)
    assert response.status_code == status and message in response.content.decode()
    assert not DocumentBuild.objects.exists()


def test_the_users_and_the_portals_caps(client, net, staff_qk, staff_qk2, manager_qk, settings):
    settings.REPORT_BUILDS_PER_USER, settings.REPORT_BUILDS_TOTAL = 2, 3
    for user in (staff_qk, staff_qk):
        DocumentBuild.objects.create(
            token=f"t{DocumentBuild.objects.count()}", user=user, kind="highlights-pdf", branch=net["WH-QK-01"]
        )
    client.force_login(staff_qk)
    refused = start(client, kind="highlights-pdf")
    assert refused.status_code == 429 and refused["Retry-After"] == "30" and "已有 2 个文档" in refused.content.decode()
    DocumentBuild.objects.create(token="t9", user=staff_qk2, kind="highlights-pdf", branch=net["WH-QK-01"])
    client.force_login(manager_qk)
    refused = start(client, kind="highlights-pdf")
    assert refused.status_code == 429 and "3 个文档" in refused.content.decode()
    assert DocumentBuild.objects.count() == 3
    # A build without progress for STALLED_AFTER no longer holds a slot, and shows as interrupted.
    DocumentBuild.objects.update(updated_at=timezone.now() - builds.STALLED_AFTER - datetime.timedelta(seconds=1))
    assert start(client, kind="highlights-pdf").status_code == 302
    client.force_login(staff_qk)
    page = client.get(reverse("reports:build", args=["t0"])).content.decode()
    assert 'data-state="failed"' in page and "中断" in page


def test_a_build_delivered_again_or_interrupted_too_often(net, staff_qk, recorded):
    build = DocumentBuild.objects.create(
        token="again", user=staff_qk, kind="highlights-docx", branch=net["WH-QK-01"], params={"period": "2025"}
    )
    build_document.delay(build.pk)
    build_document.delay(build.pk)
    build.refresh_from_db()
    assert (
        build.state == S.DONE and build.attempts == 1 and list(builds.build_dir().iterdir()) == [builds.file_of(build)]
    )
    tired = DocumentBuild.objects.create(
        token="tired",
        user=staff_qk,
        kind="highlights-docx",
        branch=net["WH-QK-01"],
        params={"period": "2025"},
        attempts=3,
    )
    build_document.delay(tired.pk)
    tired.refresh_from_db()
    assert tired.state == S.FAILED and "3" in tired.error and not builds.file_of(tired).exists()


def test_a_build_that_cannot_be_queued_fails_with_a_message(
    client, net, staff_qk, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(build_document, "delay", unreachable)
    client.force_login(staff_qk)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, kind="highlights-pdf")
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="failed"' in page and "任务队列无法连接" in page


def test_a_waiting_build_is_polled(client, net, staff_qk):
    build = DocumentBuild.objects.create(token="wait", user=staff_qk, kind="highlights-pdf", branch=net["WH-QK-01"])
    client.force_login(staff_qk)
    fragment = client.get(reverse("reports:build-status", args=[build.token])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'data-state="queued"' in fragment
    assert client.get(reverse("reports:build-file", args=[build.token])).status_code == 404
