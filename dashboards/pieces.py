"""The sub-branch rows of a dashboard, kept one per child between writes (dashboards/cache.py).

A head office's page is its own figures over a row per province and their completeness. A write
at an outlet changes the figures of the outlet's ancestors only, so right after it the page
builds its own figures and the one province row that changed; every other row, its data and
the HTML written for it, comes from the cache in two round trips. Rows missing from the cache
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


@dataclass
class ChildData:
    """One child as its parent's dashboard shows it, as plain data (kept in the cache: no lazy
    labels, which cost a millisecond each to unpickle): its figures and targets, and its
    completeness row (None for a closed branch, which submits nothing)."""

    branch: Branch
    link: str  # its dashboard for the same period
    values: dict
    targets: dict
    completeness: dict | None


def children_data(
    children: list[Branch], period: Period, today: datetime.date
) -> tuple[list[ChildRow], list[dict], dict]:
    """Each child's row (in the order given), the completeness rows of the active ones (by code)
    and the keys their data is kept under (for their HTML)."""
    keys = row_keys("child", [c.pk for c in children], period.text)
    by_id = {c.pk: c for c in children}

    def build(ids: list[int]) -> dict[int, ChildData]:
        missing = [by_id[pk] for pk in ids]
        figures = child_figures(missing, period)
        active = [c for c in missing if c.is_active]
        cells = {r[0].branch.pk: r for r in completeness_rows(active, period.months) if r} if active else {}
        return {
            c.pk: ChildData(
                c,
                child_link(c, period),
                *figures[c.pk],
                completeness_row(cells[c.pk], period, today) if c.pk in cells else None,
            )
            for c in missing
        }

    found = cached_rows(keys, [c.pk for c in children], build)
    data = [found[c.pk] for c in children]
    rows = [child_row(d.branch, d.values, d.targets, d.link) for d in data]
    completeness = sorted((d.completeness for d in data if d.completeness), key=lambda row: row["branch"].code)
    return rows, completeness, keys or {}


def write_rows(rows: list[ChildRow], completeness: list[dict], data_keys: dict, compact: frozenset) -> None:
    """Set `html` on each child row and completeness row: kept by the child's data key and the
    columns a phone shows (the only thing of the page a row's HTML depends on besides its data)."""
    completeness_by_id = {r["branch"].pk: r for r in completeness}
    ids = [row.branch.pk for row in rows]
    keys = {pk: f"{key}:html:{','.join(sorted(compact))}" for pk, key in data_keys.items()} if data_keys else None
    by_id = {row.branch.pk: row for row in rows}
    child_template = get_template("dashboards/_child_row.html")
    completeness_template = get_template("dashboards/_completeness_row.html")

    def build(missing: list[int]) -> dict[int, dict]:
        out = {}
        for pk in missing:
            done = completeness_by_id.get(pk)
            out[pk] = {
                "row": child_template.render({"row": by_id[pk]}),
                "completeness": completeness_template.render({"row": done, "grid": bool(done["grid"])}) if done else "",
            }
        return out

    html = cached_rows(keys, ids, build)
    for row in rows:
        row.html = html[row.branch.pk]["row"]
        if row.branch.pk in completeness_by_id:
            completeness_by_id[row.branch.pk]["html"] = html[row.branch.pk]["completeness"]
