"""Chinese line breaking in the report PDF: whatever the width a sentence meets the margin at,
no line starts with closing punctuation, also where two closing marks follow each other (”，)."""

import io

from reportlab.platypus import SimpleDocTemplate

from reports.fonts import pdf_font
from reports.pdf_report import ChineseParagraph, _cjk_line_rules, _styles
from tests.reports.documents import CLOSING, pdf_pages

SENTENCE = "将网点打造成传递温情的“暖心驿站”：上门服务351次{mark}，外出“金融”。」）服务（共8场）。"


def test_no_line_starts_with_closing_punctuation_at_any_width():
    font = pdf_font()
    _cjk_line_rules()
    styles = _styles(font)
    story = []
    for shift in range(45):  # every position of the marks against the right margin
        story.append(
            ChineseParagraph("一" * shift + SENTENCE.format(mark="<super>1</super>") + "二" * 30, styles["body"])
        )
        story.append(ChineseParagraph("一" * shift + SENTENCE.format(mark="") + "二" * 30, styles["small"]))
    out = io.BytesIO()
    SimpleDocTemplate(out).build(story)
    pages = pdf_pages(out.getvalue())
    lines = [line for page in pages for line in page["lines"]]
    assert len(lines) > 200
    assert [line for line in lines if line[0] in CLOSING] == []
    assert all("\ufffd" not in page["text"] for page in pages)
