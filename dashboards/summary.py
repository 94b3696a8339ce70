"""The figures of a node's dashboard and exports: totals, the preceding period, targets, children.

Everything here reads the roll-up store through metrics.selectors plus the branch and target
tables: a fixed number of queries whatever the size of the tree, never the record tables.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from urllib.parse import quote

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from branches.models import Branch, Target
from core.catalogue import METRICS, Metric
from core.periods import Period, PeriodError
from dashboards.standing import LEVEL_LABELS, Standing, cell_level
from metrics.selectors import totals_by_branch
from metrics.templatetags.figures import format_figure, format_percent

SORT_FIELDS = ("code", "name")
# Sub-branches by standing, lowest first on the first click (who lags comes to the top).
STANDING_SORTS = {
    "attainment": lambda row: row.standing.attainment_key if row.standing else Decimal("Infinity"),
    "submissions": lambda row: row.standing.submissions_key if row.standing else Decimal("Infinity"),
}


@dataclass(frozen=True)
class Figure:
    """One metric of one node: its value, the preceding period's and the target it counts towards."""

    metric: Metric
    value: object
    previous: object = None
    target: Decimal | None = None

    @property
    def key(self) -> str:
        return self.metric.key

    @property
    def change(self) -> Decimal | None:
        """Relative change against the preceding period; None when there is nothing to compare with."""
        if self.previous is None or not self.previous:
            return None
        return (Decimal(self.value) - Decimal(self.previous)) / Decimal(self.previous)

    @property
    def is_new(self) -> bool:
        return self.previous is not None and not self.previous and bool(self.value)

    @property
    def progress(self) -> Decimal | None:
        if not self.target:
            return None
        return Decimal(self.value) / self.target


@dataclass(frozen=True)
class Cell:
    """A figure of the children table as the page writes it (formatted once, in Python)."""

    key: str
    raw: str  # the value unlocalized, for sorting and scripts
    shown: str  # in its unit: 元/万元/亿元, separators
    progress: str | None  # against the target, when there is one
    level: str | None = None  # on_track / near / behind against the target's share due


@dataclass
class ChildRow:
    branch: Branch
    figures: list[Figure]
    link: str = ""  # the child's dashboard for the same period
    standing: Standing | None = None  # set by dashboards.standing.annotate
    share: Decimal | None = None  # the share of the yearly targets due by today
    compact_keys: frozenset = frozenset()  # the metric columns a phone shows; others are "col-extra"
    html: str = ""  # the row as the dashboard writes it (dashboards/pieces.py)

    def value(self, key: str):
        return next(f.value for f in self.figures if f.key == key)

    @cached_property
    def cells(self) -> list[Cell]:
        return [
            Cell(
                f.key,
                str(localize(f.value, use_l10n=False)),
                format_figure(f.value, f.key),
                None if (progress := f.progress) is None else format_percent(progress),
                cell_level(f, self.share),
            )
            for f in self.figures
        ]

    def cells_html(self) -> SafeString:
        """The row's figure cells, escaped and joined in Python: a sub-branch's table holds some
        hundreds of cells, which the template language would take tens of milliseconds to write."""
        title = gettext("Progress against the target")
        words = {level: str(label) for level, label in LEVEL_LABELS.items()}
        return format_html_join(
            "",
            '<td class="num{}" data-metric="{}" data-value="{}">{}{}</td>',
            (
                (
                    (f" att-{c.level}" if c.level else "") + ("" if c.key in self.compact_keys else " col-extra"),
                    c.key,
                    c.raw,
                    c.shown,
                    ""
                    if c.progress is None
                    else format_html(
                        '<div class="small progress-text" title="{}">{}{}</div>',
                        title,
                        c.progress,
                        format_html(' <span class="visually-hidden">{}</span>', words[c.level]) if c.level else "",
                    ),
                )
                for c in self.cells
            ),
        )


@dataclass
class Summary:
    branch: Branch
    period: Period
    previous_period: Period | None
    target_year: int | None
    figures: list[Figure]
    children: list[ChildRow] = field(default_factory=list)
    share: Decimal | None = None  # the share of the yearly targets due by today (dashboards.standing)
    submissions: object = None  # the sub-branches' submitted months among those due (dashboards.standing)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def previous_of(period: Period) -> Period | None:
    """The period the figures are compared with (Period.comparison: a year earlier up to a year
    long, else the preceding period of the same length; never an overlapping one); None before
    the first year the portal covers."""
    try:
        return period.comparison
    except PeriodError:  # a year before the first year the portal covers
        return None


def build_summary(branch: Branch, period: Period, *, sort: str | None = None) -> Summary:
    """The node's figures and one row per child; about ten queries in all."""
    children = list(Branch.objects.filter(parent=branch).order_by("path"))
    return node_summary(branch, period, child_rows(children, period), sort=sort)


def node_summary(
    branch: Branch, period: Period, children: list["ChildRow"], *, sort: str | None = None, values=None
) -> Summary:
    """The node's own figures (with the preceding period's and its targets) over `children`, its
    rows built by child_rows() or kept by the dashboard (dashboards/pieces.py). values: the node's
    figures over the period and over the preceding one ({metric: value} each, the latter None
    without one), when read already (dashboards.node_metrics)."""
    previous_period = previous_of(period)
    if values is None:
        now = totals_by_branch([branch.pk], period)[branch.pk]
        before = totals_by_branch([branch.pk], previous_period)[branch.pk] if previous_period else None
    else:
        now, before = values
    summary = Summary(
        branch=branch,
        period=period,
        previous_period=previous_period,
        target_year=period.year,
        figures=_figures(now, before, _targets([branch.pk], period).get(branch.pk, {})),
        children=children,
    )
    summary.children = sort_children(summary.children, sort)
    return summary


def child_rows(children: list[Branch], period: Period) -> list["ChildRow"]:
    """A row per child, in the order given: their figures and targets, three queries for any number."""
    found = child_figures(children, period)
    return [child_row(c, *found[c.pk], child_link(c, period)) for c in children]


def child_figures(children: list[Branch], period: Period) -> dict[int, tuple[dict, dict]]:
    """{child id: ({metric: value}, {metric: target})}: plain data, as the dashboard keeps it."""
    if not children:
        return {}
    now = totals_by_branch([c.pk for c in children], period)
    targets = _targets([c.pk for c in children], period)
    return {c.pk: (dict(now[c.pk]), targets.get(c.pk, {})) for c in children}


def child_row(child: Branch, values: dict, targets: dict, link: str) -> "ChildRow":
    return ChildRow(child, _figures(values, None, targets), link)


def _targets(branch_ids: list[int], period: Period) -> dict[int, dict[str, Decimal]]:
    """{branch id: {metric: target}} for the period's year; nothing for a period across years."""
    if period.year is None:
        return {}
    found: dict[int, dict[str, Decimal]] = {}
    for t in Target.objects.filter(branch_id__in=branch_ids, year=period.year, metric__in=list(METRICS)):
        found.setdefault(t.branch_id, {})[t.metric] = t.value
    return found


def _figures(now: dict, previous: dict | None, targets: dict) -> list[Figure]:
    return [
        Figure(
            metric=metric,
            value=now[key],
            previous=previous.get(key) if previous is not None else None,
            target=targets.get(key),
        )
        for key, metric in METRICS.items()
    ]


def child_link(branch: Branch, period: Period) -> str:
    return f"{reverse('dashboard:node', args=[branch.code])}?period={quote(period.text, safe='/')}"


def parse_sort(sort: str | None) -> tuple[str | None, bool]:
    """("home_visits", True) for "-home_visits"; (None, False) for anything unknown."""
    if not sort:
        return None, False
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key in METRICS or key in SORT_FIELDS or key in STANDING_SORTS:
        return key, descending
    return None, False


def sort_children(rows: list[ChildRow], sort: str | None) -> list[ChildRow]:
    key, descending = parse_sort(sort)
    if key is None:
        return rows
    if key in SORT_FIELDS:
        return sorted(rows, key=lambda r: getattr(r.branch, key), reverse=descending)
    if key in STANDING_SORTS:
        return sorted(rows, key=STANDING_SORTS[key], reverse=descending)
    # sorted() is stable both ways: ties keep the tree order.
    return sorted(rows, key=lambda r: r.value(key), reverse=descending)
