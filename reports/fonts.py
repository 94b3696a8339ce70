"""The CJK font the PDF documents embed.

ReportLab embeds (a subset of) TrueType-outline fonts only: not CFF/OpenType ones such as the
Noto CJK .ttc files. Debian's fonts-wqy-microhei ships a TrueType collection that does; it is
installed by the system's package manager (.ci/run, docs/deploy.md), never committed.
REPORT_PDF_FONT names a font file ("path" or "path#index" for a collection); unset, the first of
FONT_SEARCH found is used. None found: PdfFontMissing, whose message says what to install.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

FONT_NAME = "PortalCJK"
FONT_SEARCH = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/truetype/arphic/ukai.ttc",  # fonts-arphic-ukai
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
)


class PdfFontMissing(Exception):
    """No usable CJK TrueType font: the PDF cannot be made (the Word file still can)."""


def candidates() -> list[str]:
    configured = getattr(settings, "REPORT_PDF_FONT", "")
    return [configured] if configured else list(FONT_SEARCH)


def pdf_font() -> str:
    """The registered ReportLab name of the CJK font, registered on first use."""
    return _register(tuple(candidates()))


@cache
def _register(paths: tuple[str, ...]) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for spec in paths:
        path, _sep, index = spec.partition("#")
        if not Path(path).is_file():
            continue
        try:
            font = TTFont(FONT_NAME, path, subfontIndex=int(index or 0))
        except (TTFError, ValueError, OSError):
            continue  # CFF outlines, not a font, unreadable: try the next
        pdfmetrics.registerFont(font)
        return FONT_NAME
    raise PdfFontMissing(
        _(
            "The PDF cannot be made: no Chinese TrueType font is installed on the server (looked for %(paths)s). "
            "Ask the administrator to install the package fonts-wqy-microhei or to set REPORT_PDF_FONT. "
            "The Word file can still be downloaded."
        )
        % {"paths": ", ".join(paths)}
    )
