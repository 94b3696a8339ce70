"""Cells as clerks write them by hand: the variants a person would not call mistakes, brought to
the one form the ledger's columns read.

Full-width letters, digits and brackets (NFKC), the several dashes and tildes of a range, stray
spaces; amounts with a unit inside the cell (500万, ¥5,000,000, 5000000元); dates as Excel serial
numbers or with a time of day after them; staff lists with any of the usual separators. Each
function leaves what it does not recognise alone, so the column still refuses it with its own
message.
"""

import datetime
import difflib
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−－~～〜", "-"))
SPACES = re.compile(r"\s+")
TEN_THOUSAND = Decimal(10_000)
# "¥5,000,000", "5000000元", "500万", "500万元", "RMB 500"; the number in the middle.
MONEY = re.compile(
    r"^(?:人民币|RMB|CNY|¥|￥)?\s*(?P<number>[+-]?[\d,，\s]*\.?\d*)\s*(?P<unit>万元|万|元)?(?:整)?$", re.I
)
DATE_TIME_TEXT = re.compile(r"^(?P<date>.+?\d)\s*[T\s]\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?$")
# Serial numbers Excel gives 2000-01-01 ... 2099-12-31: a bare number in a date column in that
# range is a date whose cell lost its format.
SERIAL_RANGE = (36526, 73415)
NAME_SPLIT = re.compile(r"[、,，;；/／|｜\n\r\t]+")
SPACED = re.compile(r"\S\s+\S")
BRACKETED_CODE = re.compile(r"[（(][^()（）]*[)）]\s*$")


def fold(text: str) -> str:
    """The text as compared: full-width forms half-width, dashes one dash, no spaces, lower case."""
    return SPACES.sub("", unicodedata.normalize("NFKC", text).translate(DASHES)).casefold()


def halfwidth(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def closest(text: str, labels: list[str]) -> str | None:
    """The label nearest to what was written, if one is near enough to suggest."""
    folded = {fold(label): label for label in labels}
    match = difflib.get_close_matches(fold(text), list(folded), n=1, cutoff=0.5)
    if match:
        return folded[match[0]]
    # A label that holds what was written, or is held by it ("80岁以上" and "80岁及以上").
    key = fold(text)
    for folded_label, label in folded.items():
        if key and (key in folded_label or folded_label in key):
            return label
    return None


def money(text: str) -> Decimal | None:
    """An amount written with its unit or currency sign, in yuan; None when it is not one."""
    match = MONEY.match(halfwidth(text).strip())
    if match is None:
        return None
    digits = re.sub(r"[,，\s]", "", match.group("number"))
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", digits):
        return None
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return None
    return number * TEN_THOUSAND if match.group("unit") in ("万", "万元") else number


def scaled(raw, factor: Decimal):
    """A cell of a column headed in 万元 (or under a 单位：万元 line), in yuan; the raw value
    when it is no number, for the column to refuse."""
    if isinstance(raw, bool) or raw is None:
        return raw
    if isinstance(raw, int):
        return Decimal(raw) * factor
    if isinstance(raw, float):
        return Decimal(f"{raw:.15g}") * factor
    if isinstance(raw, str) and raw.strip():
        text = halfwidth(raw).strip()
        if re.search(r"万|元|¥|￥", text):
            return raw  # a unit inside the cell says itself what it means
        number = money(text)
        return raw if number is None else number * factor
    return raw


def loose_date(raw) -> datetime.date | None:
    """Dates the strict reader does not take: Excel serial numbers (a date cell that lost its
    format, or a CSV of one) and a date followed by a time of day."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int) and 19000101 <= raw <= 20991231:
        return str(raw)  # 20250814 typed as a number
    if isinstance(raw, (int, float)) or (isinstance(raw, str) and re.fullmatch(r"\d{5}(\.\d+)?", raw.strip())):
        number = float(raw)
        if SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
            return from_excel(number, CALENDAR_WINDOWS_1900).date()
        return None
    if isinstance(raw, str):
        match = DATE_TIME_TEXT.match(halfwidth(raw).strip())
        if match:
            return match.group("date")  # the caller reads the date part with its own pattern
    return None


def split_names(text: str, known) -> list[str]:
    """Staff names separated by 、 , ， ; ； / | tabs, line breaks or spaces. A piece with spaces
    is several names only when each of them is a known name; otherwise the spaces only aligned
    a two-character name ("王  芳") and the piece is one name."""
    pieces = NAME_SPLIT.split(text)
    if not SPACED.search(text):  # the usual case: no spaces inside a piece
        return [name for piece in pieces if (name := piece.strip())]
    names = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        words = piece.split()
        if len(words) > 1 and not BRACKETED_CODE.search(piece):
            if all(word in known for word in words):
                names.extend(words)
            else:
                names.append("".join(words))
        else:
            names.append(piece)
    return names
