"""The highlights report as .docx (python-docx) and PDF (reportlab).

Every linked number is a hyperlink to the records behind it and carries a footnote mark; the
footnotes at the end list the same addresses, so a printed copy still says where each number
comes from. The PDF uses reportlab's built-in CID font STSong-Light: it needs no font file and
every Chinese PDF reader (Adobe, WPS, Foxit, browsers with a Chinese font) shows it.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone

from reports.figures import Link

PDF_FONT = "STSong-Light"
DOCX_FONT = "宋体"
PHOTO_WIDTH_CM = 7.5


def _numbering(report) -> dict[str, int]:
    return {link.id: i for i, link in enumerate(report.links_used(), start=1)}


def photo_caption(item) -> str:
    taken = item.taken_on
    when = f"拍摄于{taken:%Y年%m月%d日}" if taken else f"拍摄日期不详，记录日期{item.record.occurred_on:%Y年%m月%d日}"
    words = [when, str(item.kind.label)]
    if item.photo.caption:
        words.append(item.photo.caption)
    return " · ".join(words)


def photo_bytes(item) -> bytes | None:
    try:
        with item.photo.image.open("rb") as f:
            return f.read()
    except (OSError, ValueError):
        return None


def _generated_note(report) -> str:
    return (
        f"数据来源：精神文明建设台账汇总数据，生成于{timezone.localtime():%Y年%m月%d日 %H:%M}。"
        "文中带编号的数字均可链接至对应记录清单。"
    )


# --- .docx ----------------------------------------------------------------------------------


def docx_bytes(report, absolute) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
    numbers = _numbering(report)
    document.add_heading(report.title, level=0)
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for para in section.segments:
            paragraph = document.add_paragraph()
            for part in para:
                if isinstance(part, Link):
                    docx_hyperlink(paragraph, absolute(part.url), part.display)
                    mark = paragraph.add_run(f"[{numbers[part.id]}]")
                    mark.font.superscript = True
                else:
                    paragraph.add_run(part)
        for item in section.photos:
            data = photo_bytes(item)
            if data:
                document.add_picture(io.BytesIO(data), width=Cm(PHOTO_WIDTH_CM))
            document.add_paragraph(photo_caption(item)).runs[0].italic = True
    document.add_heading("数据来源", level=1)
    document.add_paragraph(_generated_note(report))
    for link in report.links_used():
        document.add_paragraph(f"[{numbers[link.id]}] {link.label}：{link.display}　{absolute(link.url)}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_hyperlink(paragraph, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        props.append(element)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


# --- PDF ------------------------------------------------------------------------------------


def pdf_bytes(report, absolute) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=10.5, leading=17, wordWrap="CJK", spaceAfter=6)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=24, spaceAfter=12, alignment=1)
    heading = ParagraphStyle("heading", parent=body, fontSize=13, leading=20, spaceBefore=8)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor="#555555")
    numbers = _numbering(report)
    story = [Paragraph(escape(report.title), title)]
    for section in report.sections:
        story.append(Paragraph(escape(section.title), heading))
        for para in section.segments:
            html = []
            for part in para:
                if isinstance(part, Link):
                    href = escape(absolute(part.url), {'"': "&quot;"})
                    html.append(f'<a href="{href}" color="#0563C1"><u>{escape(part.display)}</u></a>')
                    html.append(f"<super>[{numbers[part.id]}]</super>")
                else:
                    html.append(escape(part))
            story.append(Paragraph("".join(html), body))
        for item in section.photos:
            data = photo_bytes(item)
            if data:
                image = Image(io.BytesIO(data))
                scale = (PHOTO_WIDTH_CM * cm) / image.imageWidth
                image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
                story.append(image)
            story.append(Paragraph(escape(photo_caption(item)), small))
    story += [Spacer(1, 12), Paragraph("数据来源", heading), Paragraph(escape(_generated_note(report)), small)]
    for link in report.links_used():
        url = escape(absolute(link.url))
        text = f'[{numbers[link.id]}] {escape(link.label)}：{escape(link.display)}　<a href="{url}">{url}</a>'
        story.append(Paragraph(text, small))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=report.title, leftMargin=2.2 * cm, rightMargin=2.2 * cm)
    doc.build(story)
    return out.getvalue()
