"""The dashboard's tables as XLSX (openpyxl) and CSV, with Chinese headers.

Both exports are built from the same Summary as the page, so the numbers cannot differ.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from branches.models import Branch
from core.catalogue import METRICS, Metric
from dashboards.summary import Summary

EXPORT_LANGUAGE = "zh-hans"  # reports are filed in Chinese whatever language the page was read in
YUAN_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
RATIO_PLACES = Decimal("0.0001")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    formats: list[list[str | None]] = field(default_factory=list)  # a number format per cell; None for text
    freeze: str = "A2"
    bold_last_row: bool = False

    def add(self, values: list, formats: list[str | None]) -> None:
        self.rows.append(values)
        self.formats.append(formats)


def safe_text(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def number_format(metric: Metric) -> str:
    if metric.unit == "cny":
        return YUAN_FORMAT
    return DECIMAL_FORMAT if metric.decimals else COUNT_FORMAT


def _ratio(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(RATIO_PLACES)


def metrics_table(summary: Summary) -> Table:
    previous = summary.previous_period
    year = summary.target_year
    table = Table(
        _("Metrics"),
        [
            _("Metric"),
            _("Metric key"),
            summary.period.label(),
            previous.label() if previous else _("The preceding period"),
            _("Change on the preceding period"),
            _("Target %(year)s") % {"year": year} if year else _("Target"),
            _("Progress"),
        ],
    )
    for f in summary.figures:
        fmt = number_format(f.metric)
        table.add(
            [str(f.metric.label), f.key, f.value, f.previous, _ratio(f.change), f.target, _ratio(f.progress)],
            [None, None, fmt, fmt, PERCENT_FORMAT, fmt, PERCENT_FORMAT],
        )
    return table


def children_table(summary: Summary) -> Table:
    table = Table(
        _("Sub-branches"),
        [str(Branch._meta.get_field("code").verbose_name), str(Branch._meta.get_field("name").verbose_name)]
        + [str(m.label) for m in METRICS.values()],
        freeze="C2",
        bold_last_row=True,
    )
    formats = [None, None] + [number_format(m) for m in METRICS.values()]
    for row in summary.children:
        table.add([safe_text(row.branch.code), safe_text(row.branch.name)] + [f.value for f in row.figures], formats)
    table.add(
        [safe_text(summary.branch.code), safe_text(_("%(name)s (whole subtree)") % {"name": summary.branch.name})]
        + [f.value for f in summary.figures],
        formats,
    )
    return table


def tables(summary: Summary) -> dict[str, Table]:
    with translation.override(EXPORT_LANGUAGE):
        return {"metrics": metrics_table(summary), "children": children_table(summary)}


def workbook_bytes(summary: Summary) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    with translation.override(EXPORT_LANGUAGE):
        wb.properties.title = f"{summary.branch.name} · {summary.period.label()}"
    for table in tables(summary).values():
        _write_sheet(wb, table)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_sheet(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(title=table.title[:31])
    ws.append(table.headers)
    header_fill = PatternFill("solid", fgColor="F2F2F2")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for values, formats in zip(table.rows, table.formats, strict=True):
        ws.append(values)
        for cell, fmt in zip(ws[ws.max_row], formats, strict=True):
            if fmt:
                cell.number_format = fmt
    if table.bold_last_row and table.rows:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for index, header in enumerate(table.headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(str(header)) * 2 + 2))
    ws.freeze_panes = table.freeze


def csv_text(table: Table) -> str:
    """UTF-8 text with a byte-order mark, so that Excel reads the Chinese headers correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
