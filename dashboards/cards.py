"""The figure cards of a dashboard, written in Python: a node's page has a card per catalogue
metric, which the template language took as long to write as the rest of the cached part together
(issue 19: the head-office dashboard right after a write rebuilds them)."""

from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from metrics.templatetags.figures import as_percent_int, format_figure, format_percent


def _plain(value) -> str:
    """A number as data attributes carry it: unlocalized, "" for none."""
    return "" if value is None else str(localize(value, use_l10n=False))


def _change(f, previous_label: str | None) -> SafeString:
    change = f.change
    if change is not None:
        css, mark = ("text-success", "▲") if change > 0 else ("text-danger", "▼") if change < 0 else ("text-muted", "=")
        title = gettext("Change on %(previous)s") % {"previous": previous_label}
        out = format_html(
            '<span class="{}" title="{}">{} {}</span>', css, title, mark, format_percent(change, signed=True)
        )
    elif f.is_new:
        out = format_html('<span class="text-success">{}</span>', gettext("new"))
    else:
        out = mark_safe("")  # noqa: S308 (a constant)
    if previous_label:
        out += format_html(' <span class="text-muted">{}: {}</span>', previous_label, format_figure(f.previous, f.key))
    return out


def _target(card) -> SafeString:
    f = card["f"]
    if f.target is None:
        return mark_safe("")  # noqa: S308 (a constant)
    progress = f.progress
    bar = (
        format_html(
            '<progress class="w-100" max="100" value="{}" aria-label="{}">{}</progress>',
            as_percent_int(progress),
            gettext("Progress against the target"),
            format_percent(progress),
        )
        if progress is not None
        else ""
    )
    text = gettext("%(progress)s of the target %(target)s") % {
        "progress": format_percent(progress),
        "target": format_figure(f.target, f.key),
    }
    badge = (
        format_html(' <span class="badge standing-badge level-{}">{}</span>', card["level"], card["label"])
        if card["label"]
        else ""
    )
    return format_html(
        '<div class="small figure-target" data-target="{}">{} {}{}</div>', _plain(f.target), bar, text, badge
    )


def cards_html(cards: list[dict], previous_label: str | None) -> SafeString:
    """The cards (dashboards.context.weigh()'s "shown" or "folded"), each in its grid column."""
    return format_html_join(
        "",
        '<div class="col"><div class="card figure-card h-100{}" data-metric="{}" data-value="{}" data-previous="{}">'
        '<div class="card-body p-2"><div class="small text-muted figure-label">{}</div>'
        '<div class="value">{}</div><div class="small figure-change">{}</div>{}</div></div></div>\n',
        (
            (
                f" level-{card['level']}" if card["level"] else "",
                card["f"].key,
                _plain(card["f"].value),
                _plain(card["f"].previous),
                card["f"].metric.label,
                format_figure(card["f"].value, card["f"].key),
                _change(card["f"], previous_label),
                _target(card),
            )
            for card in cards
        ),
    )
