"""Template filters over core.numbers, the one way the portal writes numbers (docs/numbers.md):
money in 元 / 万元 / 亿元 (million / billion yuan in English), counts with thousands separators,
percentages, people by name."""

from decimal import ROUND_HALF_UP

from django import template

from core.numbers import (
    DASH,
    format_count,
    format_figure,
    format_money,
    format_percent,
    to_decimal,
    unit_heading,
)

register = template.Library()

# The names other modules import.
format_yuan = format_money
format_number = format_count
__all__ = ["DASH", "format_figure", "format_number", "format_percent", "format_yuan"]


@register.filter
def yuan(value) -> str:
    return format_money(value)


@register.filter
def count(value) -> str:
    return format_count(value)


@register.filter
def figure(value, metric_key) -> str:
    return format_figure(value, metric_key)


@register.filter
def unit_of(metric_key) -> str:
    return unit_heading(metric_key)


@register.filter
def percent(ratio) -> str:
    return format_percent(ratio)


@register.filter
def change_percent(ratio) -> str:
    return format_percent(ratio, signed=True)


@register.filter
def person(user) -> str:
    """A user by full name, falling back to the login; "—" for nobody."""
    if user is None or user == "":
        return DASH
    get_full_name = getattr(user, "get_full_name", None)
    return (get_full_name() if get_full_name else "") or getattr(user, "username", "") or str(user)


@register.filter
def as_percent_int(ratio) -> int:
    """A ratio as a whole percentage capped at 100, for <progress> bars."""
    number = to_decimal(ratio)
    if number is None:
        return 0
    return max(0, min(100, int((number * 100).to_integral_value(ROUND_HALF_UP))))
