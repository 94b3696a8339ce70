"""Classes of hand-written cells (issue 20), generated: every choice label with any dash, width
and spacing; amounts with separators, currency signs and 万; dates in every form clerks use;
staff lists with every separator; header names with brackets, breaks and stars."""

import datetime
import unicodedata
from decimal import Decimal

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgers.cells import money, split_names
from ledgers.columns import CellError, ChoiceColumn, DateColumn
from ledgers.headers import HeaderTable, find_header, row_ranges, skipped_row
from ledgers.specs import all_specs, spec_for

DASHES = "-‐‑‒–—―－~～"
SPACES = st.sampled_from(["", " ", "  ", "\u3000", "\t"])


def fullwidth(text: str) -> str:
    """Half-width ASCII as its full-width form, as a Chinese input method types it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


CHOICES = [
    (column, code, str(label))
    for spec in all_specs()
    for column in spec.columns
    if isinstance(column, ChoiceColumn)
    for code, label in column.field.choices
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(CHOICES),
    st.sampled_from(DASHES),
    SPACES,
    SPACES,
    st.booleans(),
    st.booleans(),
)
def test_every_option_is_read_whatever_its_dash_width_and_spaces(choice, dash, before, after, wide, code):
    column, value, _label = choice
    with translation.override("zh-hans"):
        label = str(dict(column.field.choices)[value])
    text = str(value) if code else label.replace("–", dash)
    if wide:
        text = fullwidth(text)
    assert column.parse(before + text + after, {}, None) == value


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(CHOICES), st.text(alphabet="零壹贰叁肆伍陆柒捌玖拾", min_size=3, max_size=5))
def test_an_unknown_option_is_refused_naming_the_options(choice, junk):
    column, _code, _label = choice
    with translation.override("zh-hans"):
        try:
            column.parse(junk, {}, None)
        except CellError as exc:
            message = str(exc)
        else:
            raise AssertionError("accepted " + junk)
        labels = column.labels()  # in the message's language, whatever an earlier test left active
    assert junk in message and all(label in message for label in labels)


def test_a_near_option_is_suggested_in_chinese():
    column = next(c for c in spec_for("home-visits").columns if c.name == "purpose")
    with translation.override("zh-hans"):
        try:
            column.parse("养老金发放", {}, None)
        except CellError as exc:
            assert "是否为“养老金”？" in str(exc)
        else:
            raise AssertionError("accepted")


AMOUNT = next(c for c in spec_for("financing").columns if c.name == "amount")


def grouped(number: int) -> str:
    return f"{number:,}"


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["", "¥", "￥", "人民币", "RMB "]),
    st.sampled_from(["", "元", "元整"]),
    st.booleans(),
    st.booleans(),
)
def test_amounts_with_separators_signs_and_yuan(yuan, fen, sign, unit, group, wide):
    text = f"{grouped(yuan) if group else yuan}.{fen:02d}"
    text = sign + text + unit
    if wide:
        text = fullwidth(text)
    assert AMOUNT.parse(text, {}, None) == Decimal(f"{yuan}.{fen:02d}")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=99999), st.integers(min_value=0, max_value=99), st.sampled_from(["万", "万元"])
)
def test_amounts_in_wan_are_exact(wan, hundredths, unit):
    text = f"{wan}.{hundredths:02d}{unit}"
    assert AMOUNT.parse(text, {}, None) == Decimal(f"{wan}.{hundredths:02d}") * 10000
    assert money(text) == Decimal(f"{wan}.{hundredths:02d}") * 10000


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="五百万千亿元整约左右", min_size=1, max_size=6))
def test_amounts_in_words_are_refused_saying_how_to_write_them(text):
    with translation.override("en"):
        try:
            AMOUNT.parse(text, {}, None)
        except CellError as exc:
            assert "500万" in str(exc) and "5000000" in str(exc)
        else:
            raise AssertionError("accepted " + text)


DAYS = st.dates(min_value=datetime.date(2001, 1, 1), max_value=datetime.date(2025, 12, 31))


def date_forms(day: datetime.date):
    y, m, d = day.year, day.month, day.day
    serial = (day - datetime.date(1899, 12, 30)).days
    return [
        f"{y}-{m}-{d}",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}/{m}/{d}",
        f"{y}.{m}.{d}",
        f"{y}年{m}月{d}日",
        f"{y} 年 {m} 月 {d} 日",
        f"{y}{m:02d}{d:02d}",
        int(f"{y}{m:02d}{d:02d}"),
        f"{y}-{m:02d}-{d:02d} 00:00:00",
        f"{y}/{m}/{d} 9:30",
        serial,
        float(serial),
        str(serial),
        fullwidth(f"{y}-{m}-{d}"),
        fullwidth(f"{y}年{m}月{d}日"),
        day,
        datetime.datetime(y, m, d, 8, 0),
    ]


@settings(max_examples=200, deadline=None)
@given(DAYS, st.data())
def test_dates_in_every_form_clerks_write(day, data):
    form = data.draw(st.sampled_from(date_forms(day)))
    assert DateColumn.as_date(form) == day


@given(st.integers(min_value=1, max_value=30000))
def test_small_numbers_are_not_taken_for_dates(number):
    assert DateColumn.as_date(number) is None


SEPARATORS = st.sampled_from(["、", ",", "，", ";", "；", "/", "／", " ", "\n", "\r\n", " 、 ", "\t"])
NAMES = st.lists(st.sampled_from(["张三", "李四", "王芳", "欧阳修", "赵云"]), min_size=1, max_size=4, unique=True)


@settings(max_examples=200, deadline=None)
@given(NAMES, SEPARATORS)
def test_staff_lists_take_every_separator(names, separator):
    assert split_names(separator.join(names), {"张三", "李四", "王芳", "欧阳修", "赵云"}) == names


def test_a_name_padded_to_align_is_one_name():
    assert split_names("王  芳、张三", {"王芳", "张三"}) == ["王芳", "张三"]
    assert split_names("张三 (WH-QK-01)、李四", {"张三", "李四"}) == ["张三 (WH-QK-01)", "李四"]


HEADERS = [(spec, column) for spec in all_specs() for column in spec.columns]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HEADERS), SPACES, st.booleans(), st.booleans(), st.booleans())
def test_headers_match_whatever_their_width_breaks_spaces_and_star(pair, space, wide, brackets_half, star):
    spec, column = pair
    with translation.override("zh-hans"):
        header = column.header
    if brackets_half:
        header = unicodedata.normalize("NFKC", header)
    if wide:
        header = fullwidth(header)
    header = space.join(header) if space else header
    header = ("*" if star else "") + header.replace("（", "\n（", 1)
    assert HeaderTable.for_spec(spec).name_of(header) == column.name


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(all_specs()), st.integers(min_value=0, max_value=6), st.booleans())
def test_the_header_is_found_below_any_title_rows(spec, titles, unit):
    with translation.override("zh-hans"):
        header = spec.headers()
    rows = [(n, {1: ("v", f"标题{n}")}) for n in range(1, titles + 1)]
    if unit:
        rows.append((titles + 1, {1: ("v", "单位：万元")}))
    number = len(rows) + 1
    rows.append((number, {i: ("v", h) for i, h in enumerate(header, 1)}))
    rows.append((number + 1, {1: ("v", "WH-QK-01")}))
    found = find_header(iter(rows), HeaderTable.for_spec(spec))
    assert found.number == number
    assert found.titles == list(range(1, number))
    assert (found.unit == 10000) == unit


@given(st.sampled_from(["合计", "小计", "总计", "合 计", "本月合计", "合计：", "总合计", "累计"]), st.booleans())
def test_total_rows_are_recognised(word, with_numbers):
    cells = {1: ("v", word)}
    if with_numbers:
        cells |= {7: ("v", 120), 8: ("f", "=SUM(H2:H9)")}
    assert skipped_row(cells) == "total"


@given(st.sampled_from(["制表人：张三", "审核人:李四", "填报人 王芳", "负责人：", "填报日期：2025-09-01"]))
def test_signature_rows_are_recognised(text):
    assert skipped_row({1: ("v", text), 5: ("v", "审核人：")}) == "signature"


def test_a_record_is_not_taken_for_a_total_or_a_signature():
    record = {1: ("v", "WH-QK-01"), 2: ("v", "2025-08-14"), 3: ("v", "汇总大厦"), 11: ("v", "负责人：李四已回访")}
    assert skipped_row(record) is None


def test_row_ranges_read_as_a_person_writes_them():
    assert row_ranges([1, 2, 3, 7, 9, 10]) == "1–3、7、9–10"
