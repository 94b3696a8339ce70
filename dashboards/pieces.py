"""The sub-branch rows of a dashboard, kept one per child between writes (dashboards/cache.py).

A head office's page is its own figures over a row per province and their completeness. A write
at an outlet changes the figures of the outlet's ancestors only, so right after it the page
builds its own figures and the one province row that changed; every other row, its data and
the HTML written for it, comes from the cache in a few round trips, and so does every
completeness row, which only a submission changes (core.freshness topics). Rows missing from the cache
are built together, in the same few queries for one or for all (the page's query count does not
grow with the children); without a shared cache every row is built that way.
"""

import datetime
from dataclasses import dataclass

from django.template.loader import get_template

from branches.models import Branch
from core.periods import Period
from dashboards.cache import cached_rows, row_keys
from dashboards.context import completeness_row
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
    page has read already): its dashboard for the same period, its figures and targets."""

    link: str
    values: dict
    targets: dict


@dataclass
class Keys:
    """The keys each child's kept pieces are under (empty when nothing is kept)."""

    figures: dict
    completeness: dict


def children_data(
    children: list[Branch], period: Period, today: datetime.date
) -> tuple[list[ChildRow], list[dict], Keys]:
    """Each child's row (in the order given), the completeness rows of the active ones (by code)
    and the keys their data is kept under (for their HTML)."""
    ids = [c.pk for c in children]
    by_id = {c.pk: c for c in children}
    keys = Keys(
        row_keys("child", ids, period) or {},
        row_keys("done", ids, period, topics=COMPLETENESS_TOPICS) or {},
    )

    def build_figures(missing: list[int]) -> dict[int, ChildData]:
        figures = child_figures([by_id[pk] for pk in missing], period)
        return {pk: ChildData(child_link(by_id[pk], period), *figures[pk]) for pk in missing}

    def build_completeness(missing: list[int]) -> dict[int, dict | None]:
        """A closed branch submits nothing: None."""
        active = [by_id[pk] for pk in missing if by_id[pk].is_active]
        cells = {r[0].branch.pk: r for r in completeness_rows(active, period.months) if r} if active else {}
        rows = {pk: completeness_row(cells[pk], period, today) if pk in cells else None for pk in missing}
        for row in rows.values():
            if row is not None:
                del row["branch"]  # the page's own, added back below
        return rows

    data = cached_rows(keys.figures or None, ids, build_figures)
    done = cached_rows(keys.completeness or None, ids, build_completeness)
    rows = [child_row(by_id[pk], data[pk].values, data[pk].targets, data[pk].link) for pk in ids]
    completeness = sorted(
        ({**done[pk], "branch": by_id[pk]} for pk in ids if done[pk] is not None), key=lambda row: row["branch"].code
    )
    return rows, completeness, keys


def write_rows(rows: list[ChildRow], completeness: list[dict], keys: Keys, compact: frozenset) -> None:
    """Set `html` on each child row and completeness row: a child's row kept by its data's key
    and the columns a phone shows (the only thing of the page a row's HTML depends on besides its
    data), its completeness row by the completeness data's key."""
    completeness_by_id = {r["branch"].pk: r for r in completeness}
    by_id = {row.branch.pk: row for row in rows}
    columns = ",".join(sorted(compact))
    child_template = get_template("dashboards/_child_row.html")
    completeness_template = get_template("dashboards/_completeness_row.html")

    def build_rows(missing: list[int]) -> dict[int, str]:
        return {pk: child_template.render({"row": by_id[pk]}) for pk in missing}

    def build_completeness(missing: list[int]) -> dict[int, str]:
        return {
            pk: completeness_template.render(
                {"row": completeness_by_id[pk], "grid": bool(completeness_by_id[pk]["grid"])}
            )
            for pk in missing
        }

    html = cached_rows(
        {pk: f"{key}:html:{columns}" for pk, key in keys.figures.items()} or None, list(by_id), build_rows
    )
    for row in rows:
        row.html = html[row.branch.pk]
    done = cached_rows(
        {pk: f"{key}:html" for pk, key in keys.completeness.items()} or None,
        list(completeness_by_id),
        build_completeness,
    )
    for pk, row in completeness_by_id.items():
        row["html"] = done[pk]
