"""The numbers of a report: every one read from the roll-up store (metrics.selectors) or off
one record, each with a link to the records behind it.

A figure is named by a stable id (branch code, metric, split, scope), so an edited draft keeps
⟦id⟧ tokens and shows the store's current value wherever the user moved the sentence.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from core.catalogue import LAST, METRICS
from core.periods import MIN_YEAR, Period, parse_period
from metrics.selectors import TOTAL, query
from metrics.templatetags.figures import format_number, format_yuan

# Metrics whose cumulative value (from the first records up to the period's end) a report quotes.
CUMULATIVE_METRICS = ("financing_amount_cny", "financing_enterprises", "financing_entities")
PERIOD, CUMULATIVE = "period", "cumulative"


@dataclass
class Link:
    """A number (or a record's date or title) shown in a report, and where its records are."""

    id: str
    display: str
    url: str
    label: str = ""


@dataclass
class Figure(Link):
    """A roll-up figure: (figure, metric, branch, period, value) behind the text."""

    metric: str = ""
    split: str = ""
    branch_code: str = ""
    period: Period | None = None
    scope: str = PERIOD
    value: object = None
    unit: str = ""

    @property
    def ui_label(self) -> str:
        """The metric (and split) in the language of the page; `label` is the report's Chinese."""
        from dashboards.labels import split_label

        words = [str(METRICS[self.metric].label)]
        if self.split:
            words.append(str(split_label(self.metric, self.split)))
        return " · ".join(words)

    @property
    def ui_display(self) -> str:
        """The value written in the language of the page (元/万元/亿元 or yuan/million yuan)."""
        return display(self.value, self.metric, self.unit)


@dataclass
class Fact(Link):
    """A number or date read off one record (a case's date, an amount)."""

    record: object = None
    value: object = None


def kind_for_metric(metric: str):
    from core.kinds import record_kinds

    return next(k for k in record_kinds() if any(m.metric == metric for m in k.model.measures))


def cumulative_period(period: Period) -> Period:
    return parse_period(f"{MIN_YEAR}-01..{period.last:%Y-%m}")


def records_url(metric: str, split: str, branch_code: str, period: Period, scope: str, list_urls=None) -> str:
    """The entry list of the records behind a figure: the FilterSet's branch subtree, dates and split.
    list_urls: a dict that remembers each kind's list address across calls (a report makes
    hundreds of links to a dozen lists)."""
    kind = kind_for_metric(metric)
    params = {"branch": branch_code}
    filters = kind.filterset.base_filters
    if METRICS[metric].aggregation == LAST:
        params["date_to"] = period.end_date.isoformat()
        if "active" in filters:
            params["active"] = "true"
    else:
        if scope == PERIOD:
            params["date_from"] = period.first.isoformat()
        params["date_to"] = period.end_date.isoformat()
    if split:
        dimension, _sep, value = split.partition(":")
        params[dimension] = value
    for measure in kind.model.measures:
        if measure.metric == metric:
            for lookup, value in measure.when.items():
                if "__" not in lookup and lookup in filters:
                    params[lookup] = value
    urls = {} if list_urls is None else list_urls
    if kind.slug not in urls:
        urls[kind.slug] = kind.url("list")
    return f"{urls[kind.slug]}?{urlencode(params)}"


def display(value, metric: str, unit: str = "") -> str:
    if METRICS[metric].unit == "cny":
        return format_yuan(value)
    return format_number(value, METRICS[metric].decimals) + unit


@dataclass
class FigureBook:
    """Every value of some branches (each one's whole subtree) over a period, and cumulatively,
    in a fixed number of queries; figures are made from it on demand and remembered in the order
    they were used. The highlights report loads its node and the node's direct children."""

    branches: dict  # id -> Branch
    period: Period
    values: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)  # id -> the branches of the book whose parent it is
    cumulative_ids: set = field(default_factory=set)  # the branches whose cumulative figures were read
    list_urls: dict = field(default_factory=dict)  # kind slug -> its list's address

    @classmethod
    def load(cls, branches, period: Period, *, cumulative=None) -> "FigureBook":
        """cumulative: the branches whose CUMULATIVE_METRICS (by split: the report quotes them by
        sector) are also read, from the first records up to the period's end: all by default.
        Their distinct count reads every year's members, so a caller names only the branches
        whose cumulative figures it shows (none: an empty list)."""
        book = cls({b.pk: b for b in branches}, period)
        for b in book.branches.values():
            if b.parent_id in book.branches:
                book.children.setdefault(b.parent_id, []).append(b)
        ids = list(book.branches)
        for splits in (None, "*"):
            for row in query(branch_ids=ids, period=period, splits=splits):
                book.values[(PERIOD, row.branch_id, row.metric, row.split)] = row.value
        book.cumulative_ids = set(ids if cumulative is None else (b.pk for b in cumulative))
        if book.cumulative_ids:
            for row in query(
                branch_ids=sorted(book.cumulative_ids),
                period=cumulative_period(period),
                metrics=CUMULATIVE_METRICS,
                splits="*",
            ):
                book.values[(CUMULATIVE, row.branch_id, row.metric, row.split)] = row.value
        return book

    def value(self, branch, metric: str, split: str = TOTAL, scope: str = PERIOD):
        return self.values.get((scope, branch.pk, metric, split), METRICS[metric].from_store(0))

    def own(self, branch, metric: str, split: str = TOTAL, scope: str = PERIOD):
        """What is left of the branch's roll-up once its children in the book are taken off: its
        own records' share when the book holds its children, its whole subtree's otherwise.
        Additive metrics only."""
        children = self.children.get(branch.pk, ())
        return self.value(branch, metric, split, scope) - sum(self.value(c, metric, split, scope) for c in children)

    def splits(self, branch, metric: str, dimension: str, scope: str = PERIOD) -> list[tuple[str, object]]:
        """(split, value) of one dimension with a value, largest first."""
        prefix = f"{dimension}:"
        found = [
            (key[3], v)
            for key, v in self.values.items()
            if key[0] == scope and key[1] == branch.pk and key[2] == metric and key[3].startswith(prefix) and v
        ]
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))

    def figure(self, branch, metric: str, split: str = TOTAL, *, unit: str = "", scope: str = PERIOD, label=""):
        fid = "|".join([branch.code, metric, split, scope])
        if fid not in self.links:
            value = self.value(branch, metric, split, scope)
            period = self.period if scope == PERIOD else cumulative_period(self.period)
            self.links[fid] = Figure(
                id=fid,
                display=display(value, metric, unit),
                url=records_url(metric, split, branch.code, self.period, scope, self.list_urls),
                label=label or _figure_label(branch, metric, split, self.period, scope),
                metric=metric,
                split=split,
                branch_code=branch.code,
                period=period,
                scope=scope,
                value=value,
                unit=unit,
            )
        return self.links[fid]

    def fact(self, record, field_name: str, value, text: str, label: str = "") -> Fact:
        fid = f"record|{record._meta.label_lower}|{record.pk}|{field_name}"
        if fid not in self.links:
            words = label or f"{record._meta.verbose_name}（{record.branch.short_name or record.branch.name}）"
            self.links[fid] = Fact(
                id=fid, display=text, url=record.get_absolute_url(), label=str(words), record=record, value=value
            )
        return self.links[fid]

    def resolve(self, fid: str) -> Link | None:
        """A figure named by a draft's token: any figure of the book's branches can be recomputed
        (a token of another branch, kept from an older draft, reads as missing)."""
        if fid in self.links:
            return self.links[fid]
        parts = fid.split("|")
        if len(parts) != 4 or parts[1] not in METRICS or parts[3] not in (PERIOD, CUMULATIVE):
            return None
        branch = next((b for b in self.branches.values() if b.code == parts[0]), None)
        if branch is None:
            return None
        if parts[3] == CUMULATIVE and not (
            parts[1] in CUMULATIVE_METRICS and parts[2] and branch.pk in self.cumulative_ids
        ):
            return None
        return self.figure(branch, parts[1], parts[2], scope=parts[3])

    @property
    def figures(self) -> list[Figure]:
        return [link for link in self.links.values() if isinstance(link, Figure)]


def _figure_label(branch, metric: str, split: str, period: Period, scope: str) -> str:
    """ "外出金融服务场次 · 武汉自贸分行 · 2025年": the report's language whatever the UI's."""
    from django.utils import translation

    from dashboards.labels import split_label

    with translation.override("zh-hans"):
        words = [str(METRICS[metric].label)]
        if split:
            words.append(split_label(metric, split))
    when = zh_period(period) if scope == PERIOD else f"截至{zh_period_end(period)}累计"
    words += [branch.short_name or branch.name, when]
    return " · ".join(words)


def zh_period(period: Period) -> str:
    """The period as a Chinese report writes it: 2025年, 2025年第三季度, 2025年8月, 2021年至2025年."""
    return "至".join(_zh_single(part) for part in period.text.split(".."))


_QUARTERS = "一二三四"


def _zh_single(text: str) -> str:
    if len(text) == 4:
        return f"{text}年"
    if "Q" in text:
        return f"{text[:4]}年第{_QUARTERS[int(text[-1]) - 1]}季度"
    return f"{text[:4]}年{int(text[5:7])}月"


def zh_period_end(period: Period) -> str:
    if period.last.month == 12:
        return f"{period.last.year}年末"
    return f"{period.last.year}年{period.last.month}月末"


def zh_date(day: datetime.date, period: Period) -> str:
    if period.first.year == period.last.year == day.year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def zh_wan(number: int) -> str:
    """70000 → 7万; smaller or uneven numbers with separators."""
    if number >= 10_000 and number % 1_000 == 0:
        return f"{number / 10_000:g}万"
    return format_number(number)
