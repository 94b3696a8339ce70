"""An evidence pack as a zip ready to upload: a list of the items, one .docx per item (statement,
figures with links, the records behind it) and its photos named with their capture dates.
Items without evidence are flagged in the list and in their own document."""

import io
import re
import zipfile

from django.utils import timezone

from reports.documents import photo_bytes, photo_caption
from reports.evidence import EvidencePack, ItemEvidence, photo_file_name
from reports.official_docx import compact, official_document, save
from reports.official_docx import hyperlink as docx_hyperlink

FLAG = "【缺少佐证材料】"
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def folder_name(evidence: ItemEvidence) -> str:
    name = UNSAFE.sub("_", f"{evidence.item.code}_{evidence.item.title}")[:60]
    return f"{name}_{FLAG}" if evidence.flagged else name


def _document(pack: EvidencePack, title: str):
    """A4 in the official-document layout (GB/T 9704), the node as the author."""
    return official_document(title=title, author=pack.node.name, subject=f"{pack.year}年 {pack.scheme.name}")


def _save(document) -> bytes:
    return save(document)


def index_docx(pack: EvidencePack) -> bytes:
    title = f"{pack.node.name} {pack.year}年 {pack.scheme.name} 佐证材料清单"
    document = _document(pack, title)
    document.add_paragraph(title, style="Title")
    if pack.scheme.illustrative:
        document.add_paragraph("说明：本评价体系的指标为示例，以发文单位正式印发的细则为准。")
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["编号", "评价内容", "分值", "台账记录", "照片", "状态"], strict=True):
        cell.text = text
    for evidence in pack.items:
        row = table.add_row().cells
        values = [
            evidence.item.code,
            evidence.item.title,
            f"{evidence.item.points:g}",
            evidence.record_count_text,
            evidence.photo_count_text,
            f"{FLAG}{evidence.status}" if evidence.flagged else evidence.status,
        ]
        for cell, text in zip(row, values, strict=True):
            cell.text = text
    compact(table)
    flagged = pack.flagged
    if flagged:
        document.add_paragraph(
            f"以下{len(flagged)}项佐证材料不全，请补充："
            + "；".join(f"{e.item.code} {e.item.title}（{e.status}）" for e in flagged)
        )
    document.add_paragraph(f"生成于{timezone.localtime():%Y年%m月%d日 %H:%M}，数据取自精神文明建设台账。")
    return _save(document)


def item_docx(pack: EvidencePack, evidence: ItemEvidence, absolute) -> bytes:
    item = evidence.item
    heading = f"{item.code} {item.title}（{item.points:g}分）"
    document = _document(pack, heading)
    document.add_heading(heading, level=1)
    document.add_paragraph(f"{pack.node.name} · {pack.year}年 · {pack.scheme.name}")
    if evidence.flagged:
        document.add_paragraph(f"{FLAG}{evidence.status}，请补充佐证材料。")
    if item.guidance:
        document.add_paragraph(f"佐证要求：{item.guidance}")
    document.add_heading("情况说明", level=2)
    document.add_paragraph(evidence.statement)
    if evidence.figures:
        document.add_heading("汇总数据", level=2)
        for figure in evidence.figures:
            paragraph = document.add_paragraph(f"{figure.label}：")
            docx_hyperlink(paragraph, absolute(figure.url), figure.display)
    document.add_heading(f"台账记录（{evidence.record_count_text}条）", level=2)
    for label, url in evidence.record_lists:
        paragraph = document.add_paragraph(f"{label}清单：")
        docx_hyperlink(paragraph, absolute(url), absolute(url))
    for kind, record in evidence.records:
        paragraph = document.add_paragraph(
            f"{record.occurred_on:%Y-%m-%d} {kind.label} {record.branch} ", style="List Bullet"
        )
        docx_hyperlink(paragraph, absolute(record.get_absolute_url()), str(record))
    if evidence.photos:
        document.add_heading(f"现场照片（{evidence.photo_count_text}张）", level=2)
        for index, photo in enumerate(evidence.photos, start=1):
            document.add_paragraph(f"{photo_file_name(photo, index)}：{photo_caption(photo)}", style="List Bullet")
    return _save(document)


def pack_zip(pack: EvidencePack, absolute) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00_佐证材料清单.docx", index_docx(pack))
        for evidence in pack.items:
            folder = folder_name(evidence)
            archive.writestr(f"{folder}/{evidence.item.code}_说明.docx", item_docx(pack, evidence, absolute))
            for index, photo in enumerate(evidence.photos, start=1):
                data = photo_bytes(photo)
                if data:
                    archive.writestr(f"{folder}/照片/{photo_file_name(photo, index)}", data)
    return out.getvalue()
