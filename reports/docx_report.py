"""The highlights report as a Word file in the official-document layout (reports/official_docx.py):
editable text, small numbered marks on the figures, the typical cases' photos with caption and
date, and the same numbered sources appendix as the PDF."""

from reports.documents import generated_note, numbering, photo_caption, portal_url, sources, subtitle, thumbnail
from reports.figures import Link, zh_period
from reports.official_docx import (
    SMALL_PT,
    body_paragraph,
    hyperlink,
    official_document,
    picture_paragraph,
    save,
    sized_run,
)

PHOTO_WIDTH_MM = 72


def _photos(document, section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    shown = [(item, thumbnail(item)) for item in section.photos]
    shown = [(item, thumb) for item, thumb in shown if thumb]
    if not shown:
        return
    document.add_heading("现场照片", level=2)
    table = document.add_table(rows=(len(shown) + 1) // 2, cols=2)
    for index, (item, (data, _w, _h)) in enumerate(shown):
        cell = table.cell(index // 2, index % 2)
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        picture_paragraph(cell, data, PHOTO_WIDTH_MM)
        caption = cell.add_paragraph(style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.first_line_indent = Pt(0)
        sized_run(caption, photo_caption(item), SMALL_PT)


def docx_bytes(report) -> bytes:
    from docx.shared import Pt

    document = official_document(
        title=report.title, author=report.node.name, subject=f"{report.node.name}{zh_period(report.period)}"
    )
    numbers = numbering(report)
    document.add_paragraph(report.title, style="Title")
    sub = body_paragraph(document, subtitle(report), indent=False)
    sub.alignment = 1  # centred
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for para in section.segments:
            paragraph = document.add_paragraph()
            for part in para:
                if isinstance(part, Link):
                    hyperlink(paragraph, portal_url(part.url), part.display)
                    mark = paragraph.add_run(str(numbers[part.id]))
                    mark.font.superscript = True
                else:
                    paragraph.add_run(part)
        _photos(document, section)
    document.add_heading("数据来源", level=1)
    body_paragraph(document, generated_note(report), size=SMALL_PT)
    for source in sources(report):
        paragraph = body_paragraph(document, indent=False, size=SMALL_PT)
        paragraph.paragraph_format.left_indent = Pt(SMALL_PT * 2)
        paragraph.paragraph_format.first_line_indent = Pt(-SMALL_PT * 2)
        sized_run(paragraph, f"{source.number}．{source.line}；记录清单：", SMALL_PT)
        hyperlink(paragraph, source.url, source.url, size=SMALL_PT)
    return save(document)
