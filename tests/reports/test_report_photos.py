"""A typical case's photo goes into the highlights report's PDF and Word file as a captioned,
dated thumbnail; the evidence pack's documents are A4 in the same layout; without a Chinese
TrueType font the PDF is refused with a message that says what to install (issue 22)."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from background.models import DocumentBuild
from records.photos import photo_add
from services.services import home_visit_create
from tests.conftest import record_data
from tests.reports.conftest import jpeg_with_exif
from tests.reports.documents import DEV_HOSTS, all_embedded, docx_images, docx_parts, pdf_pages, read_docx

pytestmark = pytest.mark.django_db
TAKEN = datetime.datetime(2025, 8, 14, 10, 30)


@pytest.fixture
def visit_with_photo(net, staff_qk):
    visit = home_visit_create(user=staff_qk, **record_data("home-visits", net))
    photo_add(visit, user=staff_qk, upload=jpeg_with_exif(TAKEN, size=(1600, 1200)), caption="上门办理养老金认证")
    return visit


def get(client, kind: str):
    return client.get(reverse(f"reports:highlights-{kind}", args=["WH-QK-01"]) + "?period=2025")


def test_the_pdf_carries_the_photo_with_its_caption_and_date(client, staff_qk, visit_with_photo):
    client.force_login(staff_qk)
    response = get(client, "pdf")
    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert sum(page["images"] for page in pages) == 1
    text = "".join(page["text"] for page in pages).replace("\r\n", "")
    assert "现场照片" in text and "拍摄于2025年08月14日 · 上门服务 · 上门办理养老金认证" in text
    assert all_embedded(response.content) and len(response.content) < 400_000  # a thumbnail, not the photo


def test_the_word_file_carries_the_photo_with_its_caption_and_date(client, staff_qk, visit_with_photo):
    client.force_login(staff_qk)
    response = get(client, "docx")
    document = read_docx(response.content)
    assert docx_images(document) == 1 and len(document.inline_shapes) == 1
    assert round(document.inline_shapes[0].width.mm) == 72
    captions = [p.text for table in document.tables for cell in table._cells for p in cell.paragraphs]
    assert "拍摄于2025年08月14日 · 上门服务 · 上门办理养老金认证" in captions


def test_no_photo_no_picture(client, staff_qk, net):
    home_visit_create(user=staff_qk, **record_data("home-visits", net))
    client.force_login(staff_qk)
    assert docx_images(read_docx(get(client, "docx").content)) == 0
    assert sum(page["images"] for page in pdf_pages(get(client, "pdf").content)) == 0


def test_the_evidence_documents_are_a4_official_documents(client, staff_qk, visit_with_photo, settings):
    settings.SITE_URL = "https://portal.example.cn"
    client.force_login(staff_qk)
    response = client.get(reverse("reports:evidence-zip", args=["WH-QK-01", "civilized-outlet"]) + "?year=2025")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = [n for n in archive.namelist() if n.endswith(".docx")]
    assert "00_佐证材料清单.docx" in names and len(names) > 1
    for name in names:
        data = archive.read(name)
        document = read_docx(data)
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297), name
        assert [round(m.mm) for m in (section.top_margin, section.bottom_margin)] == [37, 35]
        assert [round(m.mm) for m in (section.left_margin, section.right_margin)] == [28, 26]
        assert document.core_properties.author == "WH-QK-01 网点"
        for part in docx_parts(data).values():
            assert b"python-docx" not in part and not any(host in part for host in DEV_HOSTS)
        links = [r.target_ref for r in document.part.rels.values() if r.is_external]
        assert all(link.startswith("https://portal.example.cn/") for link in links)


@pytest.mark.parametrize("missing", ["absent", "not a TrueType font"])
def test_without_a_chinese_font_the_pdf_says_what_to_install(
    client, staff_qk, visit_with_photo, settings, tmp_path, missing
):
    font = tmp_path / "font.ttc"
    if missing != "absent":
        font.write_bytes(b"OTTO" + bytes(200))  # an OpenType/CFF header ReportLab cannot embed
    settings.REPORT_PDF_FONT = str(font)
    client.force_login(staff_qk)
    response = get(client, "pdf")
    assert response.status_code == 503
    page = response.content.decode()
    assert "fonts-wqy-microhei" in page and str(font) in page
    assert get(client, "docx").status_code == 200  # the Word file does not need it


def test_a_pdf_build_without_a_font_fails_with_that_message(
    client, staff_qk, visit_with_photo, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_PDF_FONT = "/nowhere/no-such-font.ttf"
    client.force_login(staff_qk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/builds/", {"code": "WH-QK-01", "period": "2025", "kind": "highlights-pdf"})
    build = DocumentBuild.objects.get()
    assert build.state == DocumentBuild.State.FAILED and "fonts-wqy-microhei" in build.error
