"""The dashboard's tables as XLSX (openpyxl) and CSV, with Chinese headers.

Both exports are built from the same Summary as the page, so the numbers cannot differ. The
workbook adds a sheet per metric with its monthly figures (months × the children and the node),
read from the roll-up store in one call whatever the number of children. Every sheet has a
title row (node, period, export time) above its header and the shared layout of core/sheets.py.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from branches.models import Branch
from core.catalogue import METRICS, Metric
from core.sheets import Widths, set_filter, set_layout, set_widths
from dashboards.summary import Summary
from metrics.selectors import query

EXPORT_LANGUAGE = "zh-hans"  # reports are filed in Chinese whatever language the page was read in
YUAN_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
MONTH_FORMAT = "yyyy-mm"
RATIO_PLACES = Decimal("0.0001")
HEADER_ROW = 2  # the title row above it
HEADER_MAX_WIDTH = 24  # headers wrap; data sets the width beyond this
SHEET_NAME_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    formats: list[list[str | None]] = field(default_factory=list)  # a number format per cell; None for text
    frozen_columns: int = 0
    total_rows: int = 0  # the last rows are totals: bold, outside the autofilter
    sheet_name: str = ""

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
        frozen_columns=2,
        total_rows=1,
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


def monthly_tables(summary: Summary) -> list[Table]:
    """A table per metric: one row per month, a column per child and one for the node, then the
    whole period's figures (from the summary: a distinct count or a stock does not add up)."""
    nodes = [row.branch for row in summary.children] + [summary.branch]
    found = {
        (row.branch_id, row.metric, row.month): row.value
        for row in query(branch_ids=[b.pk for b in nodes], period=summary.period, by=("month",))
    }
    whole = {(row.branch.pk, f.key): f.value for row in summary.children for f in row.figures}
    whole |= {(summary.branch.pk, f.key): f.value for f in summary.figures}
    out = []
    for key, metric in METRICS.items():
        table = Table(
            _("%(metric)s by month") % {"metric": metric.label},
            [_("Month")]
            + [safe_text(b.name) for b in nodes[:-1]]
            + [
                safe_text(
                    _("%(name)s (whole subtree)") % {"name": summary.branch.name}
                    if len(nodes) > 1
                    else summary.branch.name
                )
            ],
            frozen_columns=1,
            total_rows=1,
            sheet_name=str(metric.label),
        )
        fmt = number_format(metric)
        formats = [MONTH_FORMAT] + [fmt] * len(nodes)
        for month in summary.period.months:
            table.add([month] + [found.get((b.pk, key, month)) for b in nodes], formats)
        table.add(
            [_("Whole period (%(period)s)") % {"period": summary.period.label()}]
            + [whole.get((b.pk, key)) for b in nodes],
            [None] + [fmt] * len(nodes),
        )
        out.append(table)
    return out


def tables(summary: Summary) -> dict[str, Table]:
    with translation.override(EXPORT_LANGUAGE):
        return {"metrics": metrics_table(summary), "children": children_table(summary)}


def title_line(table: Table, summary: Summary, exported) -> str:
    return _("%(table)s · %(node)s (%(code)s) · %(period)s · exported %(time)s") % {
        "table": table.title,
        "node": summary.branch.name,
        "code": summary.branch.code,
        "period": summary.period.label(),
        "time": f"{exported:%Y-%m-%d %H:%M}",
    }


def workbook_bytes(summary: Summary, now=None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    exported = timezone.localtime(now or timezone.now())
    with translation.override(EXPORT_LANGUAGE):
        wb.properties.title = f"{summary.branch.name} · {summary.period.label()}"
        wb.properties.creator = summary.branch.name
        used: set[str] = set()
        for table in [*tables(summary).values(), *monthly_tables(summary)]:
            _write_sheet(wb, table, title_line(table, summary, exported), used)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_name(text: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = text.translate(SHEET_NAME_BAD).strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    used.add(name.lower())
    return name


def _write_sheet(wb: Workbook, table: Table, title: str, used: set[str]) -> None:
    ws = wb.create_sheet(title=sheet_name(table.sheet_name or table.title, used))
    ws.append([title])
    ws.cell(1, 1).font = Font(bold=True, size=13)
    ws.append(table.headers)
    header_fill = PatternFill("solid", fgColor="F2F2F2")
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = Widths(len(table.headers))
    widths.add([h if len(str(h)) * 2 <= HEADER_MAX_WIDTH else str(h)[: HEADER_MAX_WIDTH // 2] for h in table.headers])
    for values, formats in zip(table.rows, table.formats, strict=True):
        ws.append(values)
        widths.add(values, formats)
        for cell, fmt in zip(ws[ws.max_row], formats, strict=True):
            if fmt:
                cell.number_format = fmt
    for row in range(ws.max_row - table.total_rows + 1, ws.max_row + 1) if table.rows else ():
        for cell in ws[row]:
            cell.font = Font(bold=True)
    set_widths(ws, widths.widths)
    set_layout(ws, header_row=HEADER_ROW, frozen_columns=table.frozen_columns)
    set_filter(ws, header_row=HEADER_ROW, columns=len(table.headers), last_row=ws.max_row - table.total_rows)


def csv_text(table: Table) -> str:
    """UTF-8 text with a byte-order mark, so that Excel reads the Chinese headers correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
