"""The 2025 highlights report of WH (demo data) as files fit to send upward (issue 22): the PDF
is A4 with every font embedded, Chinese line breaking, a running header and page numbers, small
numbered marks and a sources appendix under SITE_URL; the Word file is in the official-document
layout (GB/T 9704) with its properties; neither names a development host."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn
from docx.shared import RGBColor

from tests.reports.documents import (
    CLOSING,
    DEV_HOSTS,
    all_embedded,
    docx_parts,
    pdf_pages,
    read_docx,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
SITE = "https://portal.example.cn"


@pytest.fixture
def analyst(demo):
    return get_user_model().objects.get(username="analyst_wh")


@pytest.fixture
def download(client, analyst, settings):
    """The report's file, asked for on a development server's address."""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    client.force_login(analyst)

    def get(kind: str, host: str = "127.0.0.1:8000"):
        response = client.get(reverse(f"reports:highlights-{kind}", args=["WH"]) + "?period=2025", HTTP_HOST=host)
        assert response.status_code == 200, response.content[:500]
        return response.content

    return get


def test_the_pdf_is_a4_with_embedded_fonts_and_chinese_line_breaking(download, settings):
    settings.SITE_URL = SITE
    data = download("pdf")
    pages = pdf_pages(data)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        width, height = page["size"]
        assert abs(width - 595.3) <= 1 and abs(height - 841.9) <= 1
        assert page["fonts"] and all(embedded for _name, embedded in page["fonts"]), page["fonts"]
        assert "\ufffd" not in page["text"]
        starts = [line for line in page["lines"] if line[0] in CLOSING]
        assert not starts, f"page {number}: lines start with closing punctuation: {starts}"
        assert "中国工商银行武汉分行 · 2025年" in page["lines"]  # the running header
        assert re.search(rf"第 {number} 页\s+共 {len(pages)} 页", page["text"])
    assert all_embedded(data) and b"/FontFile2" in data and b"Helvetica" not in data and b"STSong" not in data
    for host in DEV_HOSTS:
        assert host not in data


def test_the_pdf_marks_its_figures_and_lists_their_sources(download, settings):
    settings.SITE_URL = SITE
    text = "\n".join(page["text"] for page in pdf_pages(download("pdf")))
    body, _sep, appendix = text.partition("\r\n数据来源\r\n")
    assert appendix, "the sources appendix"
    assert "外出金融服务467场2" in body  # the figure, then its mark
    assert "http" not in body
    assert "1．上门服务次数；中国工商银行武汉分行；2025年；351次" in appendix
    assert f"记录清单：{SITE}/services/home-visits/?branch=WH&date_from=2025-01-01&date_to=2025" in appendix
    assert "http://" not in appendix and appendix.count(f"{SITE}/") >= 60


def test_without_site_url_the_sources_are_paths(download, settings):
    settings.SITE_URL = ""
    pdf, docx = download("pdf", host="localhost:8000"), download("docx", host="localhost:8000")
    text = "\n".join(page["text"] for page in pdf_pages(pdf))
    assert "记录清单：/services/home-visits/?branch=WH&date_from=2025-01-01" in text and "http" not in text
    for name, part in docx_parts(docx).items():
        for host in DEV_HOSTS:
            assert host not in part, (name, host)
    document = read_docx(docx)
    assert not [rel for rel in document.part.rels.values() if rel.is_external]
    assert "1．上门服务次数；中国工商银行武汉分行；2025年；351次；记录清单：/services/home-visits/" in "\n".join(
        p.text for p in document.paragraphs
    )


def test_the_word_file_is_an_official_document(download, settings):
    settings.SITE_URL = SITE
    data = download("docx")
    document = read_docx(data)
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37, 35, 28, 26]
    props = document.core_properties
    assert props.title == "中国工商银行武汉分行2025年精神文明建设工作亮点"
    assert props.author == props.last_modified_by == "中国工商银行武汉分行"
    assert abs(props.created - timezone.now()) < datetime.timedelta(minutes=5)
    for name, part in docx_parts(data).items():
        assert b"python-docx" not in part, name
        for host in DEV_HOSTS:
            assert host not in part, (name, host)
    faces = {
        "Title": ("方正小标宋简体", 22),
        "Heading 1": ("黑体", 16),
        "Heading 2": ("楷体_GB2312", 16),
        "Normal": ("仿宋_GB2312", 16),
    }
    for name, (face, size) in faces.items():
        style = document.styles[name]
        assert style.element.rPr.rFonts.get(qn("w:eastAsia")) == face and style.font.size.pt == size
        assert style.font.color.rgb == RGBColor(0, 0, 0) and style.font.color.theme_color is None
    font_table = docx_parts(data)["word/fontTable.xml"].decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == props.title and document.paragraphs[0].style.name == "Title"
    assert "2025年，武汉自贸分行组织外出金融服务467场17，受众31,128人次18" in "\n".join(paragraphs)
    links = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert f"{SITE}/services/home-visits/?branch=WH-FTZ&date_from=2025-01-01&date_to=2025-12-31" in links
    assert all(link.startswith(f"{SITE}/") for link in links)
