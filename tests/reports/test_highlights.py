"""The 2025 highlights report of WH (demo data): the article's figures per branch, each equal to
the roll-up store's and linked to its records; editing keeps the figures linked; .docx and PDF open."""

import io
from decimal import Decimal

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from core.periods import parse_period
from metrics.selectors import split_totals, totals
from reports.figures import CUMULATIVE, cumulative_period
from reports.highlights import build_report
from reports.models import ReportDraft
from reports.text import to_editable

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
Y2025 = parse_period("2025")


@pytest.fixture
def analyst(demo):
    return get_user_model().objects.get(username="analyst_wh")


@pytest.fixture
def report(demo, analyst):
    return build_report(analyst, demo["WH"], Y2025)


def figure(report, code, metric, split="", scope="period"):
    return report.book.links[f"{code}|{metric}|{split}|{scope}"]


def section_text(report, code) -> str:
    section = next(s for s in report.sections if s.key == code)
    return to_editable(section.stored, report.book.resolve)


def test_one_section_per_direct_child_with_something_to_report(report):
    # WH itself (the overview) and its six direct children of the article, each summed up with
    # its subtree (WH-QK, WH-SGH and WH-HY hold no records of their own: their outlets' count).
    assert [s.key for s in report.sections] == ["WH", "WH-FTZ", "WH-QK", "WH-BBT", "WH-XBH", "WH-SGH", "WH-HY"]
    assert [s.child for s in report.sections] == [False] + [True] * 6
    assert not any(f.branch_code.endswith("-01") for f in report.figures)  # no grandchild's figure


def test_a_child_is_read_in_its_own_report(demo, analyst):
    qk = build_report(analyst, demo["WH-QK"], Y2025)
    assert [s.key for s in qk.sections] == ["WH-QK", "WH-QK-01"]
    outlet = build_report(analyst, demo["WH-QK-01"], Y2025)
    assert [(s.key, s.child) for s in outlet.sections] == [("WH-QK-01", False)]
    assert section_text(outlet, "WH-QK-01") == section_text(qk, "WH-QK-01")


def test_ftz_figures(report):
    text = section_text(report, "WH-FTZ")
    assert figure(report, "WH-FTZ", "outreach_events").value == 467 and "〔467场〕" in text
    assert figure(report, "WH-FTZ", "home_visits").value == 83 and "〔83次〕" in text
    for kind, n, shown in (
        ("party_model_post", 23, "党员示范岗〔23个〕"),
        ("party_commando", 4, "党员突击队〔4支〕"),
        ("youth_vanguard", 15, "青年先锋队〔15支〕"),
    ):
        assert figure(report, "WH-FTZ", "teams_active", f"kind:{kind}").value == n and shown in text
    tech_firms = figure(report, "WH-FTZ", "financing_enterprises", "sector:tech", CUMULATIVE)
    tech_amount = figure(report, "WH-FTZ", "financing_amount_cny", "sector:tech", CUMULATIVE)
    assert tech_firms.value == 388 and "〔388户〕" in text
    assert (
        tech_amount.value >= Decimal("5000000000")
        and f"〔{tech_amount.display}〕" in text
        and "亿元" in tech_amount.display
    )
    small_firms = figure(report, "WH-FTZ", "financing_enterprises", "sector:inclusive")
    small_amount = figure(report, "WH-FTZ", "financing_amount_cny", "sector:inclusive")
    assert small_firms.value >= 170 and small_amount.value >= Decimal("1100000000")
    assert f"〔{small_firms.display}〕小微企业" in text and f"〔{small_amount.display}〕" in text
    assert figure(report, "WH-FTZ", "financing_entities", "sector:pension").value == 73 and "〔73家〕" in text


def test_qk_figures_case_and_letter(report):
    # The outlet's figures, case and letter, told in its sub-branch's section.
    text = section_text(report, "WH-QK")
    assert figure(report, "WH-QK", "home_visits").value == 56 and "〔56次〕" in text
    assert figure(report, "WH-QK", "honours", "kind:praise_ticket").value == 32 and "表扬工单〔32次〕" in text
    assert "〔8月14日〕" in text and "高息理财" in text and "反诈民警" in text
    assert "武汉市打击治理电信网络诈骗工作协调机制办公室" in text and "表扬信" in text


def test_bbt_figures_titles_and_residents(report):
    text = section_text(report, "WH-BBT")
    assert figure(report, "WH-BBT", "home_visits").value == 212 and "〔212次〕" in text
    assert figure(report, "WH-BBT", "volunteer_person_times").value == 520 and "〔520人次〕" in text
    for title in ("先进基层党组织", "二星级总行级青年文明号", "助老志愿服务队"):
        assert title in text
    assert figure(report, "WH-BBT", "honours", "kind:title").value == 3 and "〔3项〕" in text
    assert "7万" in text


def test_xbh_sgh_and_hy(report, demo, analyst):
    xbh = section_text(report, "WH-XBH")
    assert figure(report, "WH-XBH", "financing_enterprises", "sector:inclusive").value == 190 and "〔190户〕" in xbh
    assert figure(report, "WH-XBH", "financing_amount_cny", "sector:inclusive").value == Decimal("400000000.00")
    assert "〔4亿元〕" in xbh
    sgh = section_text(report, "WH-SGH")
    assert "〔12月8日〕" in sgh and "小学" in sgh and "〔3,860枚〕" in sgh
    hy = section_text(report, "WH-HY")
    visits = figure(report, "WH-HY", "love_station_visits")
    assert visits.value > 0 and f"汉阳支行辖内爱心驿站服务户外劳动者〔{visits.display}〕" in hy
    own = section_text(build_report(analyst, demo["WH-HY"], Y2025), "WH-HY-01")  # the drill-in
    assert "自2017年起" in own and "爱心驿站" in own and "金融知识角" in own and "驿站服务户外劳动者" in own


def test_every_figure_equals_the_roll_up_store(report, demo):
    assert len(report.figures) > 40
    for f in report.figures:
        branch = demo[f.branch_code]
        period = Y2025 if f.scope == "period" else cumulative_period(Y2025)
        assert f.period == period
        if f.split:
            expected = split_totals(branch, period, f.metric, f.split.partition(":")[0]).get(f.split, 0)
        else:
            expected = totals(branch, period, [f.metric])[f.metric]
        assert f.value == expected, f.id


def test_every_figure_on_the_page_links_to_its_records(client, analyst, report):
    client.force_login(analyst)
    page = client.get(reverse("reports:highlights", args=["WH"]) + "?period=2025")
    html = page.content.decode()
    assert page.status_code == 200
    home_visits = figure(report, "WH-FTZ", "home_visits")
    assert home_visits.url == "/services/home-visits/?branch=WH-FTZ&date_from=2025-01-01&date_to=2025-12-31"
    for f in report.figures:
        if any(f.id in s.stored for s in report.sections):
            assert f'href="{f.url.replace("&", "&amp;")}"' in html, f.id
    # Each child's section opens the child's own report.
    assert 'class="report-drill" href="/reports/highlights/WH-QK/?period=2025"' in html
    # The linked list holds exactly the records behind the figure.
    listed = client.get(home_visits.url)
    assert listed.context["page_obj"].paginator.count == 83
    teams = client.get(figure(report, "WH-FTZ", "teams_active", "kind:youth_vanguard").url)
    assert teams.context["page_obj"].paginator.count == 15


def test_the_report_takes_a_fixed_number_of_queries(demo, analyst):
    build_report(analyst, demo["WH-QK"], Y2025)
    with CaptureQueriesContext(connection) as small:
        build_report(analyst, demo["WH-QK"], Y2025)
    with CaptureQueriesContext(connection) as large:
        build_report(analyst, demo["WH"], Y2025)
    with CaptureQueriesContext(connection) as head_office:  # a province child: no cumulative figures
        build_report(analyst, demo["ICBC"], Y2025)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(head_office.captured_queries) == len(small.captured_queries) - 2


def test_edited_text_keeps_the_figures_linked(client, analyst, report):
    client.force_login(analyst)
    url = reverse("reports:highlights-edit", args=["WH-FTZ"]) + "?period=2025"
    form = client.get(url)
    text = next(r["text"] for r in form.context["sections"] if r["section"].key == "WH-FTZ")
    assert "〔467场〕" in text
    edited = "追光逐梦，服务不停：" + text.replace("组织外出金融服务", "走出网点开展外出金融服务")
    saved = client.post(url, {"section-WH-FTZ": edited})
    assert saved.status_code == 302
    draft = ReportDraft.objects.get(user=analyst, branch__code="WH-FTZ", period="2025")
    assert "⟦WH-FTZ|outreach_events||period⟧" in draft.sections["WH-FTZ"]
    page = client.get(reverse("reports:highlights", args=["WH-FTZ"]) + "?period=2025").content.decode()
    assert "追光逐梦，服务不停" in page and "走出网点开展外出金融服务" in page
    assert 'href="/services/outreach-events/?branch=WH-FTZ&amp;date_from=2025-01-01&amp;date_to=2025-12-31"' in page
    # A number typed over a figure is not a figure: refused, nothing saved.
    refused = client.post(url, {"section-WH-FTZ": edited.replace("〔467场〕", "〔470场〕")})
    assert refused.status_code == 400 and "〔470场〕" in refused.content.decode()
    assert "⟦WH-FTZ|outreach_events||period⟧" in ReportDraft.objects.get(pk=draft.pk).sections["WH-FTZ"]
    client.post(url, {"discard": "1"})
    assert not ReportDraft.objects.filter(pk=draft.pk).exists()


def test_docx_opens_with_the_figures_and_their_links(client, analyst, settings):
    settings.SITE_URL = "https://portal.example.cn"
    client.force_login(analyst)
    response = client.get(reverse("reports:highlights-docx", args=["WH"]) + "?period=2025")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    # Hyperlinked runs are read back as part of the paragraph text.
    assert "467场" in text and "硚口支行营业室" in text and "12月8日" in text
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    site = "https://portal.example.cn/services/"
    assert f"{site}home-visits/?branch=WH-FTZ&date_from=2025-01-01&date_to=2025-12-31" in links
    assert "数据来源" in text and f"{site}outreach-events/?branch=WH-FTZ" in text and "testserver" not in text


def test_pdf_renders_to_a_page_image(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("reports:highlights-pdf", args=["WH"]) + "?period=2025")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(response.content)
    assert len(pdf) >= 2
    image = pdf[0].render(scale=1).to_pil()
    assert image.size[0] > 500 and image.size[1] > 800
    first = pdf[0].get_textpage().get_text_range()
    assert "武汉分行" in first and "467" in first


def test_bad_period_and_out_of_scope(client, demo):
    user = get_user_model().objects.get(username="manager_bbt")
    client.force_login(user)
    assert client.get(reverse("reports:highlights", args=["WH-QK-01"]) + "?period=2025").status_code == 404
    assert client.get(reverse("reports:highlights", args=["WH-BBT"]) + "?period=2025Q9").status_code == 400
    assert client.get(reverse("reports:highlights-pdf", args=["WH-BBT"]) + "?period=abc").status_code == 400
    assert client.get(reverse("reports:highlights", args=["WH-BBT"]) + "?period=2025").status_code == 200
