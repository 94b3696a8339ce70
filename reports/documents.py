"""What the highlights report's PDF (reports/pdf_report.py) and Word file (reports/docx_report.py)
share: the numbered sources (each figure's metric, node, period and the portal address of its
records), the portal address itself, and the photos of the typical cases.

Addresses are the records' paths joined to settings.SITE_URL, the portal's configured public
address; unset, the documents give the paths alone. Never the host a request came in on (a
development server's 127.0.0.1 would end up in a file sent upward).
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from reports.figures import Figure, Link, zh_period, zh_period_end

THUMBNAIL_PX = 900  # the longest side of a photo as the documents embed it


def portal_url(path: str) -> str:
    """A portal path as the documents print it: under SITE_URL when one is configured."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base else path


def is_absolute(url: str) -> bool:
    return url.startswith(("https://", "http://"))


@dataclass
class Source:
    number: int
    link: Link
    what: str  # the metric (and split), or the record's kind
    node: str
    period: str
    url: str

    @property
    def line(self) -> str:
        return f"{self.what}；{self.node}；{self.period}；{self.link.display}"


def numbering(report) -> dict[str, int]:
    return {link.id: i for i, link in enumerate(report.links_used(), start=1)}


def sources(report) -> list[Source]:
    """One numbered source per figure or record fact used, in reading order."""
    from core.catalogue import METRICS
    from dashboards.labels import split_label

    branches = {b.code: b for b in report.book.branches.values()}
    out = []
    for number, link in enumerate(report.links_used(), start=1):
        if isinstance(link, Figure):
            what = str(METRICS[link.metric].label)
            if link.split:
                what += f"（{split_label(link.metric, link.split)}）"
            branch = branches.get(link.branch_code)
            node = branch.name if branch else link.branch_code
            period = zh_period(report.period) if link.scope == "period" else f"截至{zh_period_end(report.period)}累计"
        else:
            record = getattr(link, "record", None)
            what = str(record._meta.verbose_name) if record is not None else link.label
            node = record.branch.name if record is not None else report.node.name
            day = getattr(record, "occurred_on", None)
            period = f"{day:%Y年%m月%d日}" if day else zh_period(report.period)
        out.append(Source(number, link, what, node, period, portal_url(link.url)))
    return out


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


def thumbnail(item) -> tuple[bytes, int, int] | None:
    """The photo as a JPEG at most THUMBNAIL_PX on its longest side: (bytes, width, height)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    data = photo_bytes(item)
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85)
            return out.getvalue(), image.width, image.height
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def generated_note(report) -> str:
    return (
        f"本报告数据取自精神文明建设台账汇总数据，生成于{timezone.localtime():%Y年%m月%d日 %H:%M}。"
        "文中数字右上角的编号对应下列来源，每条列出指标、机构、期间和台账中相应记录清单的地址。"
    )


def subtitle(report) -> str:
    return f"{report.node.name}　{zh_period(report.period)}"


def docx_bytes(report) -> bytes:
    from reports.docx_report import docx_bytes as build

    return build(report)


def pdf_bytes(report) -> bytes:
    from reports.pdf_report import pdf_bytes as build

    return build(report)
