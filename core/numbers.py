"""One way to write numbers on every page, chart and export (docs/numbers.md).

Money, in the language of the page:
- Chinese: 元 below 10,000 (cents only when there are any: 1,472.50元, 1,500元), then 万元
  (1.23万元, 1,650万元), then 亿元 from 100 million (or when 万元 would round to 10,000).
- English: yuan below a million (150,000 yuan), then million yuan (16.5 million yuan), then
  billion yuan (5.13 billion yuan).
Scaled amounts keep at most two decimals, trailing zeros dropped, rounded half up as reports do.
Zero is "0" (no unit, no cents) and a missing value "—", for money and counts alike.
Counts have thousands separators; metrics kept with decimals (hours) show at most two.

A chart axis (or any column of amounts) takes one scale for all its values: `money_scale` picks
it from the largest value, so ticks never mix 万元 and 亿元.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext, pgettext

from core.catalogue import METRICS

DASH = "—"
CENT = Decimal("0.01")
ZERO = "0"


@dataclass(frozen=True)
class Scale:
    divisor: Decimal
    unit: str  # translated: 元 / 万元 / 亿元, yuan / million yuan / billion yuan


def _zh() -> bool:
    return (translation.get_language() or "zh-hans").lower().startswith("zh")


def _scales() -> list[tuple[Decimal, str]]:
    """(divisor, unit) from the largest; the unit words go through gettext."""
    if _zh():
        return [
            (Decimal(100_000_000), pgettext("money unit", "hundred million yuan")),
            (Decimal(10_000), pgettext("money unit", "ten thousand yuan")),
            (Decimal(1), pgettext("money unit", "yuan")),
        ]
    return [
        (Decimal(1_000_000_000), pgettext("money unit", "billion yuan")),
        (Decimal(1_000_000), pgettext("money unit", "million yuan")),
        (Decimal(1), pgettext("money unit", "yuan")),
    ]


def to_decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, *, keep_cents: bool = False) -> str:
    """At most two decimals, thousands separators; trailing zeros dropped unless `keep_cents`."""
    text = f"{number.quantize(CENT, ROUND_HALF_UP):,.2f}"
    if not keep_cents:
        text = text.rstrip("0").rstrip(".")
    return text


def _with_unit(number: str, unit: str) -> str:
    # Chinese writes the unit right after the number (20万元), English after a space (20 million yuan).
    return f"{number}{unit}" if _zh() else f"{number} {unit}"


def money_scale(largest) -> Scale:
    """The scale in which `largest` (and anything smaller beside it) is written."""
    number = abs(to_decimal(largest) or Decimal(0))
    scales = _scales()
    for (divisor, unit), (_next_divisor, _next_unit) in zip(scales, scales[1:], strict=False):
        # 99,999,999.99 is 1亿元, not 10,000万元: compare after rounding to the smaller unit.
        below = (number / _next_divisor).quantize(CENT, ROUND_HALF_UP) if _next_divisor > 1 else number
        if number >= divisor or below * _next_divisor >= divisor:
            return Scale(divisor, unit)
    return Scale(*scales[-1])


def format_money(value) -> str:
    """5126000000 → "51.26亿元", 16500000 → "1,650万元", 150000 → "15万元", 1472.5 → "1,472.50元",
    0 → "0"; in English "5.13 billion yuan", "16.5 million yuan", "150,000 yuan"."""
    number = to_decimal(value)
    if number is None:
        return DASH
    if number == 0:
        return ZERO
    sign = "-" if number < 0 else ""
    scale = money_scale(number)
    if scale.divisor == 1:
        cents = number != number.to_integral_value()
        return sign + _with_unit(_grouped(abs(number), keep_cents=cents), scale.unit)
    return sign + _with_unit(_grouped(abs(number) / scale.divisor), scale.unit)


def format_count(value, decimals: int = 0) -> str:
    """1234567 → "1,234,567"; with decimals (hours) at most two, trailing zeros dropped."""
    number = to_decimal(value)
    if number is None:
        return DASH
    if decimals:
        return _grouped(number)
    return f"{number.quantize(Decimal(1), ROUND_HALF_UP):,.0f}"


def format_figure(value, metric_key: str) -> str:
    """A metric's value in its unit: money in 元/万元/亿元, counts with separators."""
    metric = METRICS.get(metric_key)
    if metric is not None and metric.unit == "cny":
        return format_money(value)
    return format_count(value, metric.decimals if metric else 0)


def format_percent(ratio, *, signed: bool = False) -> str:
    number = to_decimal(ratio)
    if number is None:
        return DASH
    text = f"{(number * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):,.1f}%"
    if signed and number > 0:
        text = "+" + text
    return text


def unit_heading(metric_key: str) -> str:
    """The unit a column or axis of the metric is in, for headings: "元", "小时"; "" for counts."""
    unit = METRICS[metric_key].unit
    if unit == "cny":
        return pgettext("money unit", "yuan")
    if unit == "hours":
        return gettext("hours")
    if unit == "person_times":
        return gettext("person-times")
    return ""
