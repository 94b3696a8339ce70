"""The highlights report as PDF (ReportLab): A4, a CJK TrueType font embedded as a subset
(reports/fonts.py), Chinese line breaking (no line starts with closing punctuation), a running
header with the node and the period, page numbers, small numbered marks on the figures with a
sources appendix, and the typical cases' photos as captioned thumbnails."""

import io
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph

from reports.documents import (
    generated_note,
    is_absolute,
    numbering,
    photo_caption,
    portal_url,
    sources,
    subtitle,
    thumbnail,
)
from reports.figures import Link, zh_period
from reports.fonts import pdf_font

# Closing punctuation a Chinese line must not start with (GB/T 15834 and the customary
# 避头 rules); ReportLab's own list lacks the full-width comma, semicolon, colon and others.
CLOSING = "，。、；：？！）》〉」』】〕］｝”’…—·％‰℃"
PHOTO_BOX_CM = (7.6, 5.2)


def _cjk_line_rules() -> None:
    """Teach ReportLab's CJK wrapping the Chinese closing marks: a mark that would start a line
    hangs at the end of the previous one instead. Both splitters read the list: lib.textsplit's
    wordSplit (a paragraph of one style) and platypus.paragraph's cjkFragSplit (mixed styles)."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        missing = "".join(c for c in CLOSING if c not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing


def _line_starts(lines) -> list[str]:
    """The first character of each broken line (ReportLab's two shapes of broken lines)."""
    starts = []
    for line in lines.lines:
        if isinstance(line, (tuple, list)):  # (extra space, [text]): one style
            text = "".join(line[1])
        else:  # a FragLine: fragments of mixed styles
            text = "".join(getattr(frag, "text", "") for frag in line.words)
        starts.append(text.lstrip()[:1])
    return starts


class ChineseParagraph(Paragraph):
    """A Paragraph whose lines never start with closing punctuation. ReportLab hangs one closing
    mark at the end of a line; when two follow each other (”，) the second would start the next
    line, so the paragraph is broken again a little narrower until none does."""

    def breakLinesCJK(self, maxWidths):
        widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        for narrower in range(0, 40, 2):  # points
            lines = super().breakLinesCJK([w - narrower for w in widths])
            if not any(start in CLOSING for start in _line_starts(lines)[1:]):
                break
        return lines


def _styles(font: str) -> dict:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=19, wordWrap="CJK", spaceAfter=6)
    body.firstLineIndent = 22
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=10.5, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=14
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=14, leading=22, firstLineIndent=0, spaceBefore=10, spaceAfter=4
        ),
        "caption": ParagraphStyle(
            "caption", parent=body, fontSize=8.5, leading=12, firstLineIndent=0, alignment=TA_CENTER, spaceAfter=0
        ),
        "source": ParagraphStyle(
            "source", parent=body, fontSize=8.5, leading=12.5, firstLineIndent=0, leftIndent=18, spaceAfter=3
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=14, firstLineIndent=0),
    }


def _paragraph_html(para, numbers) -> str:
    html = []
    for part in para:
        if isinstance(part, Link):
            url = portal_url(part.url)
            shown = escape(part.display)
            if is_absolute(url):
                href = escape(url, {'"': "&quot;"})
                shown = f'<a href="{href}">{shown}</a>'
            html.append(f'{shown}<super rise="4" size="6.5">{numbers[part.id]}</super>')
        else:
            html.append(escape(part))
    return "".join(html)


def _photos(section, styles):
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Table, TableStyle

    cells = []
    for item in section.photos:
        thumb = thumbnail(item)
        if thumb is None:
            continue
        data, width, height = thumb
        scale = min(PHOTO_BOX_CM[0] * cm / width, PHOTO_BOX_CM[1] * cm / height)
        image = Image(io.BytesIO(data), width=width * scale, height=height * scale)
        cells.append([image, ChineseParagraph(escape(photo_caption(item)), styles["caption"])])
    if not cells:
        return []
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")
    table = Table(rows, colWidths=[8.1 * cm, 8.1 * cm], hAlign="CENTER")
    font = styles["caption"].fontName  # not the tables' default Helvetica, which would not be embedded
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("FONT", (0, 0), (-1, -1), font),
            ]
        )
    )
    return [ChineseParagraph("现场照片", styles["small"]), table]


def _sources(report, styles) -> list:

    story = [
        ChineseParagraph("数据来源", styles["heading"]),
        ChineseParagraph(escape(generated_note(report)), styles["small"]),
    ]
    for source in sources(report):
        url = escape(source.url)
        if is_absolute(source.url):
            url = f'<a href="{url}">{url}</a>'
        text = f"{source.number}．{escape(source.line)}<br/>记录清单：{url}"
        story.append(ChineseParagraph(text, styles["source"]))
    return story


def _numbered_canvas(header: str, font: str):
    """A canvas that writes the running header and "第 n 页 共 N 页" once every page is known."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = font  # not Helvetica: every font of the file is embedded
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setFont(font, 8.5)
            self.setFillGray(0.35)
            self.drawString(2.5 * cm, height - 1.6 * cm, header)
            self.setLineWidth(0.5)
            self.setStrokeGray(0.6)
            self.line(2.5 * cm, height - 1.75 * cm, width - 2.5 * cm, height - 1.75 * cm)
            self.drawCentredString(width / 2, 1.3 * cm, f"第 {self._pageNumber} 页  共 {total} 页")
            self.restoreState()

    return NumberedCanvas


def pdf_bytes(report) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    font = pdf_font()
    _cjk_line_rules()
    styles = _styles(font)
    numbers = numbering(report)
    story = [
        ChineseParagraph(escape(report.title), styles["title"]),
        ChineseParagraph(escape(subtitle(report)), styles["subtitle"]),
    ]
    for section in report.sections:
        story.append(ChineseParagraph(escape(section.title), styles["heading"]))
        for para in section.segments:
            story.append(ChineseParagraph(_paragraph_html(para, numbers), styles["body"]))
        story += _photos(section, styles)
    story += [Spacer(1, 10), *_sources(report, styles)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=report.title,
        author=report.node.name,
        subject=f"{report.node.name}{zh_period(report.period)}",
        creator="精神文明建设台账",
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.4 * cm,
        bottomMargin=2.2 * cm,
    )
    doc.build(story, canvasmaker=_numbered_canvas(f"{report.node.name} · {zh_period(report.period)}", font))
    return out.getvalue()
