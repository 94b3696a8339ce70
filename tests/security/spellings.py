"""Hypothesis strategies: resident ID and mobile numbers as people type and paste them, and
ordinary text that holds numbers of other shapes (issue 15, item 3)."""

import datetime
import re

from hypothesis import assume
from hypothesis import strategies as st

from core.text import fold

# Ten digits in each of the scripts a pasted number arrives in (index = value).
DIGIT_SCRIPTS = [
    "0123456789",
    "".join(chr(0xFF10 + d) for d in range(10)),  # full-width
    "".join(chr(0x0660 + d) for d in range(10)),  # Arabic-Indic
    "".join(chr(0x06F0 + d) for d in range(10)),  # extended Arabic-Indic (Persian)
    "".join(chr(0x0966 + d) for d in range(10)),  # Devanagari
    "".join(chr(0x09E6 + d) for d in range(10)),  # Bengali
    "".join(chr(0x0E50 + d) for d in range(10)),  # Thai
    "".join(chr(0x1D7CE + d) for d in range(10)),  # mathematical bold
    "〇一二三四五六七八九",  # Chinese numerals
    "零壹贰叁肆伍陆柒捌玖",  # financial numerals
    "\u24ea" + "".join(chr(0x2460 + d) for d in range(9)),  # circled ⓪①…⑨
]
# Visible separators between groups of digits (at most three in a row).
SEPARATORS = [
    " ",
    "\u00a0",  # no-break space
    "\u3000",  # ideographic space
    "\u2009",  # thin space
    "\u202f",  # narrow no-break space
    "\t",
    "\n",
    "-",
    "\u2010",  # hyphen
    "\u2011",  # non-breaking hyphen
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2212",  # minus sign
    "\uff0d",  # full-width hyphen-minus
    "\ufe63",  # small hyphen-minus
    ".",
    "\uff0e",  # full-width full stop
    "\u00b7",  # middle dot
    "/",
    "\uff0f",  # full-width solidus
    "_",
]
# Invisible characters (format characters and combining marks): any number, anywhere inside.
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f", "\ufe0f"]
# Text around a number: no digit next to it (that would make a longer run), but words with
# numerals may be (张三13912345678: the 三 is part of a name).
CONTEXT = st.text(alphabet="客户张三李四电话联系身份证号码请回访第一备注：:，,（(）) abcXYZ", max_size=12)
MOBILE_PREFIXES = ["", "+86", "+86 ", "+86-", "0086", "0086 ", "86", "86 ", "(+86)", "＋８６ "]


@st.composite
def mobile_numbers(draw) -> str:
    second = draw(st.sampled_from("3456789"))
    rest = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    return "1" + second + rest


@st.composite
def resident_ids(draw) -> str:
    region = draw(st.integers(110000, 829999))
    born = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2024, 12, 31)))
    serial = draw(st.integers(0, 999))
    check = draw(st.sampled_from("0123456789Xx"))
    return f"{region}{born:%Y%m%d}{serial:03d}{check}"


@st.composite
def spelled(draw, number: str) -> str:
    """The number in a random spelling: each digit in any script, separators and invisible
    characters between any digits."""
    out = []
    for index, ch in enumerate(number):
        if index:
            out.extend(draw(st.lists(st.sampled_from(SEPARATORS), max_size=3)) if draw(st.booleans()) else [])
            out.extend(draw(st.lists(st.sampled_from(INVISIBLE), max_size=2)))
        if ch.isdigit():
            out.append(draw(st.sampled_from(DIGIT_SCRIPTS))[int(ch)])
        else:
            out.append(draw(st.sampled_from([ch, "Ｘ" if ch == "X" else "ｘ"])))
    # Written as a plain decimal amount (138123456.78) it reads as an amount, by design.
    assume(not re.fullmatch(r"[0-9]+\.[0-9]{1,2}", fold("".join(out))))
    return "".join(out)


@st.composite
def personal_numbers(draw) -> str:
    """A resident ID or a mobile number (with or without +86), spelled any way, in text."""
    if draw(st.booleans()):
        number = draw(spelled(draw(resident_ids())))
    else:
        number = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(spelled(draw(mobile_numbers())))
    return draw(CONTEXT) + number + draw(CONTEXT)


@st.composite
def ordinary_texts(draw) -> str:
    """Text with numbers that are not IDs or mobiles: amounts, dates, counts, references."""
    pieces = draw(
        st.lists(
            st.one_of(
                st.decimals(0, 10**9, places=2).map(lambda d: f"金额 {d:,}元"),
                st.decimals(0, 10**9, places=2).map(lambda d: f"{d}元"),
                st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)).map(
                    lambda d: st.sampled_from([f"{d:%Y-%m-%d}", f"{d.year}年{d.month}月{d.day}日", f"{d:%Y/%m/%d}"])
                ),
                st.integers(0, 10**6).map(lambda n: f"参加 {n} 人"),
                st.integers(10**12, 10**16).map(lambda n: f"编号 {n}"),  # longer runs: reference numbers
                st.integers(1, 999).map(lambda n: f"REC-QK01-20250814-{n:03d}"),
                st.integers(10**9, 10**10 - 1).map(lambda n: f"账号尾号 {n}"),  # ten digits
                st.sampled_from(["一二三四五六七八九十", "第一次回访", "三五成群", "十一月二十日", "二〇二五年"]),
                st.text(alphabet="客户满意度较高社区反诈宣传", max_size=20),
            ),
            min_size=1,
            max_size=5,
        )
    )
    return "；".join(p if isinstance(p, str) else draw(p) for p in pieces)
