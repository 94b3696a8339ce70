"""Word documents in the layout of Chinese official documents (GB/T 9704-2012, 党政机关公文格式):
A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the title in 方正小标宋简体 二号
(22 pt), first-level headings in 黑体 三号 (16 pt), second-level headings in 楷体_GB2312 三号,
the body in 仿宋_GB2312 三号 with a two-character first-line indent; page numbers "— n —" at
the foot. Every face is written as the East Asian font (w:eastAsia) and named in the font table
with the fallback Word and LibreOffice use where it is missing (w:altName: 宋体, 黑体, 楷体, 仿宋);
Latin text in Times New Roman. No theme colours: headings print black.

Used by the highlights report (reports/docx_report.py) and the evidence packs (reports/evidence_files.py).
"""

import io

from django.utils import timezone

LATIN = "Times New Roman"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
# The face each falls back to, as the font table names it (w:altName), and the family.
FALLBACKS = {
    TITLE_FONT: ("宋体", "roman"),
    HEADING_FONT: ("SimHei", "modern"),
    SUBHEADING_FONT: ("楷体", "script"),
    BODY_FONT: ("仿宋", "modern"),
    "楷体": ("KaiTi", "script"),
    "仿宋": ("FangSong", "modern"),
    "宋体": ("SimSun", "roman"),
}
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
PAGE_MM = (210, 297)
BODY_PT, TITLE_PT, HEADING_PT = 16, 22, 16
SMALL_PT = 12  # captions, tables, the sources appendix
LINE_PT = 28.9  # 22 lines a page, as the standard's 版心 sets


def set_fonts(target, east_asia: str, latin: str = LATIN) -> None:
    """Name the faces of a style or run: Latin and East Asian, no theme fonts."""
    from docx.oxml.ns import qn

    rpr = target.element.get_or_add_rPr() if hasattr(target, "element") else target._r.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute, face in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        fonts.set(qn(attribute), face)


def _style(document, name: str, face: str, size: float, *, bold=False, align=None, indent=False, exact=True):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    style = document.styles[name]
    set_fonts(style, face)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(size * 2) if indent else Pt(0)
    if align is not None:
        fmt.alignment = align
    # python-docx's template: a border under the title, headings kept apart by spacing.
    ppr = style.element.pPr
    if ppr is not None:
        for child in list(ppr):
            if child.tag.endswith("}pBdr"):
                ppr.remove(child)
    return style


def _font_table(document) -> None:
    """Name each face with its fallback in word/fontTable.xml (w:altName)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    from lxml import etree

    table = etree.fromstring(part.blob)
    named = {f.get(qn("w:name")) for f in table.findall(qn("w:font"))}
    for face, (fallback, family) in FALLBACKS.items():
        if face in named:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), face)
        for tag, value in (("w:altName", fallback), ("w:charset", "86"), ("w:family", family), ("w:pitch", "variable")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        table.append(font)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(section) -> None:
    """ "— n —" centred at the foot of every page (a PAGE field)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)

    def run(text=None, field=None, instr=None):
        r = paragraph.add_run(text)
        set_fonts(r, "宋体")
        r.font.size = Pt(14)
        if field:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), field)
            r._r.append(element)
        if instr:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instr
            r._r.append(element)

    run("— ")
    run(field="begin")
    run(instr=" PAGE ")
    run(field="separate")
    run("1")
    run(field="end")
    run(" —")


def official_document(*, title: str, author: str, subject: str = ""):
    """A python-docx Document in the GB/T 9704 layout, with its properties set."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    normal = _style(document, "Normal", BODY_FONT, BODY_PT, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    _style(document, "Title", TITLE_FONT, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    _style(document, "Heading 1", HEADING_FONT, HEADING_PT)
    _style(document, "Heading 2", SUBHEADING_FONT, HEADING_PT)
    for name in ("Heading 3", "List Bullet", "Caption"):
        _style(document, name, BODY_FONT, BODY_PT if name != "Caption" else SMALL_PT, exact=name != "Caption")
    document.styles["Title"].paragraph_format.space_after = Mm(8)
    _font_table(document)
    _page_numbers(section)
    now = timezone.now()
    props = document.core_properties
    props.title, props.subject, props.author, props.last_modified_by = title, subject, author, author
    props.comments = props.keywords = props.category = ""
    props.created = props.modified = now
    props.revision = 1
    props.language = "zh-CN"
    return document


def body_paragraph(document, text: str = "", *, indent: bool = True, size: float | None = None):
    from docx.shared import Pt

    paragraph = document.add_paragraph(text)
    if not indent:
        paragraph.paragraph_format.first_line_indent = Pt(0)
    if size:
        paragraph.paragraph_format.line_spacing = Pt(size * 1.5)
        for run in paragraph.runs:
            run.font.size = Pt(size)
    return paragraph


def sized_run(paragraph, text: str, size: float):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    return run


def hyperlink(paragraph, url: str, text: str, *, size: float | None = None) -> None:
    """The text linked to url when url is absolute (http, https); a plain run otherwise (a bare
    portal path means nothing outside the portal)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not url.startswith(("https://", "http://")):
        run = paragraph.add_run(text)
        if size:
            from docx.shared import Pt

            run.font.size = Pt(size)
        return
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    if size:
        for tag in ("w:sz", "w:szCs"):
            element = OxmlElement(tag)
            element.set(qn("w:val"), str(int(size * 2)))
            props.append(element)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def picture_paragraph(container, data: bytes, width_mm: float):
    """A picture in its own paragraph at single line spacing (an exact spacing would crop it)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = Pt(0)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(data), width=Mm(width_mm))
    return paragraph


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def compact(table, size: float = SMALL_PT) -> None:
    """A table's text at the small size, single-spaced and not indented (cells inherit the body's)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                fmt = paragraph.paragraph_format
                fmt.first_line_indent = Pt(0)
                fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
                for run in paragraph.runs:
                    run.font.size = Pt(size)
