"""Numbers the way Chinese reports write them: 元 / 万元 / 亿元, thousands separators, percentages."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from core.catalogue import METRICS

register = template.Library()

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
CENT = Decimal("0.01")
DASH = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, *, keep_cents: bool) -> str:
    """Two decimals, thousands separators; trailing zeros dropped unless `keep_cents`."""
    text = f"{number.quantize(CENT, ROUND_HALF_UP):,.2f}"
    if not keep_cents:
        text = text.rstrip("0").rstrip(".")
    return text


def format_yuan(value) -> str:
    """5126000000 → "51.26亿元", 400000000 → "4亿元", 16500000 → "1,650万元", 1472.5 → "1,472.50元"."""
    number = _decimal(value)
    if number is None:
        return DASH
    sign = "-" if number < 0 else ""
    number = abs(number)
    in_wan = (number / WAN).quantize(CENT, ROUND_HALF_UP)
    if number >= YI or in_wan >= WAN:
        return f"{sign}{_grouped(number / YI, keep_cents=False)}亿元"
    if number >= WAN:
        return f"{sign}{_grouped(in_wan, keep_cents=False)}万元"
    return f"{sign}{_grouped(number, keep_cents=True)}元"


def format_number(value, decimals: int = 0) -> str:
    number = _decimal(value)
    if number is None:
        return DASH
    if decimals:
        return _grouped(number, keep_cents=False)
    return f"{number.quantize(Decimal(1), ROUND_HALF_UP):,.0f}"


def format_figure(value, metric_key: str) -> str:
    """A metric's value in its unit: money in 元/万元/亿元, counts with separators."""
    metric = METRICS.get(metric_key)
    if metric is not None and metric.unit == "cny":
        return format_yuan(value)
    return format_number(value, metric.decimals if metric else 0)


def format_percent(ratio, *, signed: bool = False) -> str:
    number = _decimal(ratio)
    if number is None:
        return DASH
    text = f"{(number * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):,.1f}%"
    if signed and number > 0:
        text = "+" + text
    return text


@register.filter
def yuan(value) -> str:
    return format_yuan(value)


@register.filter
def figure(value, metric_key) -> str:
    return format_figure(value, metric_key)


@register.filter
def percent(ratio) -> str:
    return format_percent(ratio)


@register.filter
def change_percent(ratio) -> str:
    return format_percent(ratio, signed=True)


@register.filter
def as_percent_int(ratio) -> int:
    """A ratio as a whole percentage capped at 100, for <progress> bars."""
    number = _decimal(ratio)
    if number is None:
        return 0
    return max(0, min(100, int((number * 100).to_integral_value(ROUND_HALF_UP))))
