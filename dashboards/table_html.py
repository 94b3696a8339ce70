"""The children table's metric headings and its whole-subtree row, written in Python: a column
per catalogue metric, each heading a sort link, which the template language took longer to write
than the rest of the table (issue 19: the head-office dashboard right after a write)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from metrics.templatetags.figures import format_figure

MARKS = {"asc": "▲", "desc": "▼"}
ARIA_SORT = {"asc": "ascending", "desc": "descending"}


def metric_headings_html(columns: list[dict]) -> SafeString:
    """dashboards.context.sort_columns()'s "metrics": a sortable heading per metric."""
    return format_html_join(
        "",
        '<th scope="col" class="num{}"{}><a href="?{}">{}</a>{}</th>',
        (
            (
                " col-extra" if column["extra"] else "",
                format_html(' aria-sort="{}"', ARIA_SORT[column["direction"]]) if column["direction"] else "",
                column["query"],
                column["metric"].label,
                format_html(' <span aria-hidden="true">{}</span>', MARKS[column["direction"]])
                if column["direction"]
                else "",
            )
            for column in columns
        ),
    )


def totals_html(figures: list, compact: frozenset) -> SafeString:
    """The whole subtree's figure of each metric, in the order of the headings."""
    return format_html_join(
        "",
        '<td class="num{}">{}</td>',
        ((" col-extra" if f.key not in compact else "", format_figure(f.value, f.key)) for f in figures),
    )
