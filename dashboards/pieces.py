"""The sub-branch rows of a dashboard, kept between writes (dashboards/cache.py): a child's figures
row one per child, the completeness table of all the children as one.

A head office's page is its own figures over a row per province and their completeness. A write
at an outlet changes the figures of the outlet's ancestors only, so right after it the page
builds its own figures and the one province row that changed; every other row, its data and the
HTML written for it (kept together, in one entry per child), comes from the cache in one round
trip, and so does the completeness table, which only a submission changes (core.freshness
topics: one of the node's own, which a submission anywhere below it replaces). Rows missing from
the cache are built together, in the same few queries for one or for all (the page's query count
does not grow with the children); without a shared cache every row is built that way.
"""

import datetime
from dataclasses import dataclass

from django.template.loader import get_template, render_to_string

from branches.models import Branch
from core.freshness import topic_token
from core.periods import Period
from dashboards.cache import cached_rows, cached_section, keep, row_keys
from dashboards.context import completeness, completeness_row
from dashboards.summary import ChildRow, child_figures, child_link, child_row
from metrics.completeness import completeness_rows
from metrics.models import Submission

# What a child's completeness row shows is written by submissions only (and the tree, and the
# day): a record saved in the child leaves it kept.
COMPLETENESS_TOPICS = (Submission._meta.label_lower,)


@dataclass
class ChildData:
    """One child's figures as its parent's dashboard shows them, as plain data (kept in the
    cache: no lazy labels, which cost a millisecond each to unpickle, and no branch, which the
    page has read already): its dashboard for the same period, its figures and targets, and the
    row's HTML once written, for the metric columns a phone shows (`columns`: the only thing of
    the page a row's HTML depends on besides its data)."""

    link: str
    values: dict
    targets: dict
    columns: str | None = None
    html: str = ""


@dataclass
class Kept:
    """Each child's data and the key it is kept under (none when nothing is kept)."""

    data: dict
    keys: dict


def children_data(
    branch: Branch, children: list[Branch], period: Period, today: datetime.date
) -> tuple[list[ChildRow], tuple[list[dict], str], Kept]:
    """Each child's row (in the order given), the completeness rows and table of the active ones
    (completeness_part()) and what is kept of the rows (write_rows() writes their HTML)."""
    ids = [c.pk for c in children]
    by_id = {c.pk: c for c in children}
    keys = row_keys("child", ids, period)

    def build_figures(missing: list[int]) -> dict[int, ChildData]:
        figures = child_figures([by_id[pk] for pk in missing], period)
        return {pk: ChildData(child_link(by_id[pk], period), *figures[pk]) for pk in missing}

    data = cached_rows(keys, ids, build_figures, keep_built=False)  # kept with their HTML by write_rows()
    rows = [child_row(by_id[pk], data[pk].values, data[pk].targets, data[pk].link) for pk in ids]
    return rows, completeness_part(branch, children, period, today), Kept(data, keys or {})


def completeness_part(
    branch: Branch, children: list[Branch], period: Period, today: datetime.date
) -> tuple[list[dict], str]:
    """The completeness rows of the active children (dashboards.context.completeness_row(), by
    code, without their cells) and the table's HTML, kept as one under the node's token of the
    submissions below it (a submission anywhere in its subtree replaces it)."""
    by_id = {c.pk: c for c in children}

    def build() -> dict:
        active = sorted((c for c in children if c.is_active), key=lambda c: c.code)
        rows = [completeness_row(cells, period, today) for cells in completeness_rows(active, period.months) if cells]
        html = render_to_string("dashboards/_completeness.html", {"completeness": completeness(rows, period)})
        # Kept without the cells, which only the HTML shows (hundreds of them at a head office).
        kept = [{**row, "branch": row["branch"].pk, "grid": []} for row in rows]
        return {"rows": kept, "html": html}

    part = cached_section("done", lambda: topic_token(branch.pk, COMPLETENESS_TOPICS), branch.pk, period.text, build)
    return [{**row, "branch": by_id[row["branch"]]} for row in part["rows"]], part["html"]


def write_rows(rows: list[ChildRow], kept: Kept, compact: frozenset) -> None:
    """Set `html` on each child row: the one kept with its data when written for the same
    columns, else written now and kept with it (one round trip for all)."""
    columns = ",".join(sorted(compact))
    template = get_template("dashboards/_child_row.html")
    changed = {}
    for row in rows:
        pk = row.branch.pk
        data = kept.data[pk]
        if data.columns != columns:
            data.html, data.columns = template.render({"row": row}), columns
            if pk in kept.keys:
                changed[kept.keys[pk]] = data
        row.html = data.html
    keep(changed)
