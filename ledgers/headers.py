"""Where a hand-made ledger's header row is, and which column each header names.

Clerks put a title above the header (often merged across the sheet), a 填报单位 / 填报日期 line,
a 单位：万元 line; they write headers with full-width brackets, line breaks and spaces, or with
the words their branch uses (服务日期 for 日期); they number the rows in a 序号 column and end
the sheet with 合计 and 制表人 rows. This module finds the header among the first rows by how
many of the kind's columns it names, and tells rows to skip from rows to read.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation

from ledgers.cells import TEN_THOUSAND, fold

HEADER_SEARCH_ROWS = 20  # the header is among the first rows of the sheet
MIN_HEADER_MATCHES = 2
BRACKETS = re.compile(r"\([^()]*\)")
IGNORED_HEADERS = {"序号", "序", "编号", "行号", "no", "no.", "#"}
TOTAL = re.compile(r"^(本页|本月|本季|本年|全年|总)?(合计|小计|总计|累计|汇总)")
LEADING = set("本月季年全总合小累汇制审复填负经部")  # first characters of TOTAL and SIGNATURE words
SIGNATURE_CELLS = 8  # a signature line starts with 制表人 etc. and holds a few cells
SIGNATURE = re.compile(
    r"^(制表人|制表|审核人|审核|复核人|复核|填报人|填表人|负责人|经办人|填报日期|填表日期|制表日期|部门负责人)[:：\s]"
)
UNIT_LINE = re.compile(r"(?:金额)?单位[:：]\s*(万元|元)")


def header_key(text) -> str:
    """A header as compared: half-width, no spaces or line breaks, no required-mark star."""
    return fold(str(text or "")).strip("*")


def _without_brackets(key: str) -> str:
    return BRACKETS.sub("", key)


@dataclass
class HeaderTable:
    """Every way a kind's columns may be headed, folded, to the field name."""

    keys: dict = field(default_factory=dict)

    @classmethod
    def for_spec(cls, spec) -> "HeaderTable":
        exact: dict[str, str] = {}
        loose: dict[str, set] = {}
        for column in spec.columns:
            exact[header_key(column.name)] = column.name
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    exact[header_key(column.header)] = column.name
                    loose.setdefault(_without_brackets(header_key(column.header)), set()).add(column.name)
            for synonym in column.synonyms:
                loose.setdefault(header_key(synonym), set()).add(column.name)
                loose.setdefault(_without_brackets(header_key(synonym)), set()).add(column.name)
        keys = {key: next(iter(names)) for key, names in loose.items() if len(names) == 1 and key}
        keys.update(exact)  # a column's own header always wins
        return cls(keys)

    def name_of(self, text) -> str | None:
        key = header_key(text)
        name = self.keys.get(key)
        if name is None:
            name = self.keys.get(_without_brackets(key))
        return name

    @staticmethod
    def ignored(text) -> bool:
        return header_key(text) in IGNORED_HEADERS

    @staticmethod
    def unit_of(text) -> Decimal | None:
        """×10,000 for a header such as 金额（万元）."""
        return TEN_THOUSAND if "万元" in header_key(text) else None


def _texts(cells: dict) -> list[str]:
    return [value for kind, value in cells.values() if kind == "v" and isinstance(value, str) and value.strip()]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_score(cells: dict, table: HeaderTable) -> int:
    return len({table.name_of(text) for text in _texts(cells)} - {None})


def unit_line(cells: dict) -> Decimal | None:
    """×10,000 for a line such as “单位：万元” above the header."""
    for text in _texts(cells):
        match = UNIT_LINE.search(header_key(text).replace("(", "").replace(")", ""))
        if match:
            return TEN_THOUSAND if match.group(1) == "万元" else Decimal(1)
    return None


def skipped_row(cells: dict) -> str | None:
    """ "total" for a 合计 / 小计 / 总计 row, "signature" for a 制表人 / 审核人 row, else None.
    Both start with their word: a row whose first cell starts otherwise costs one look."""
    for kind, value in cells.values():
        if kind != "v" or not isinstance(value, str):
            if kind == "v" and value is None:
                continue
            return None
        lead = value.lstrip()[:1]
        if not lead:
            continue
        if lead not in LEADING:
            return None
        break
    texts = _texts(cells)
    if not texts:
        return None
    first = header_key(texts[0])
    if TOTAL.match(first) and (first.startswith(("合计", "小计", "总计")) or TOTAL.fullmatch(first)):
        return "total"
    filled = sum(1 for kind, value in cells.values() if kind != "v" or not _blank(value))
    if filled <= SIGNATURE_CELLS and SIGNATURE.match(texts[0].strip() + " "):
        return "signature"
    return None


@dataclass
class Found:
    number: int  # the header's row number
    cells: dict
    titles: list  # row numbers above the header that held something
    unit: Decimal | None  # from a 单位：万元 line above the header


def find_header(rows, table: HeaderTable) -> Found | None:
    """The row among the first HEADER_SEARCH_ROWS that names the most columns (at least
    MIN_HEADER_MATCHES); `rows` yields (number, cells) from the top of the sheet."""
    best, best_score, seen = None, 0, []
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        seen.append((number, cells))
        score = header_score(cells, table)
        if score > best_score:
            best, best_score = (number, cells), score
    if best is None or best_score < MIN_HEADER_MATCHES:
        return None
    number, cells = best
    above = [(n, c) for n, c in seen if n < number]
    unit = None
    for _n, c in above:
        unit = unit_line(c) or unit
    return Found(number, cells, [n for n, _c in above], unit)


def row_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1–3、7"."""
    parts, start, prev = [], None, None
    for n in sorted(numbers):
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}–{prev}" if prev != start else str(start))
            start = prev = n
    if start is not None:
        parts.append(f"{start}–{prev}" if prev != start else str(start))
    return "、".join(parts)


def _header_of(sheet, table: HeaderTable):
    rows = sheet.rows()
    try:
        return find_header(rows, table)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def locate(sheets: list, table: HeaderTable):
    """(sheet, Found, others) of the first visible sheet whose header names the kind's columns
    (a cover or instructions sheet before it is passed over; hidden sheets hold the template's
    lists), and the names of later sheets that have such a header too (not read: the dry run
    says so). (None, None, []) when no sheet has one."""
    chosen, found, others = None, None, []
    for sheet in sheets:
        if sheet.hidden:
            continue
        header = _header_of(sheet, table)
        if header is None:
            continue
        if chosen is None:
            chosen, found = sheet, header
        else:
            others.append(sheet.name)
    return chosen, found, others
