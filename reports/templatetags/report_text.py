"""Renders a report paragraph (text and linked figures) as HTML, every figure a link."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from reports.figures import Figure, Link

register = template.Library()


@register.filter
def paragraph_html(parts) -> str:
    out = []
    for part in parts:
        if isinstance(part, Link):
            kind = "figure" if isinstance(part, Figure) else "fact"
            out.append(
                format_html(
                    '<a class="report-link report-{}" href="{}" title="{}" data-link="{}">{}</a>',
                    kind,
                    part.url,
                    part.label,
                    part.id,
                    part.display,
                )
            )
        else:
            out.append(format_html("{}", part))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped by format_html above
