"""Who lags: each sub-branch's standing against its yearly targets and its monthly submissions.

Worked out from what the page already holds (the summary's figures and the completeness rows),
so it adds no query. Three levels, each written as a word and not shown by colour alone:
on track (at least the share of the year's target the period's months call for), slightly
behind (at least NEAR_FROM of that share), behind (less).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.periods import Period, month_start

ON_TRACK, NEAR, BEHIND = "on_track", "near", "behind"
LEVEL_LABELS = {ON_TRACK: _("on track"), NEAR: _("slightly behind"), BEHIND: _("behind")}
LEVEL_ORDER = {BEHIND: 0, NEAR: 1, ON_TRACK: 2}
NEAR_FROM = Decimal("0.8")


def level_of(ratio: Decimal) -> str:
    if ratio >= 1:
        return ON_TRACK
    return NEAR if ratio >= NEAR_FROM else BEHIND


def expected_share(period: Period, today: datetime.date) -> Decimal | None:
    """The share of a yearly target the period should have reached by today, in twelfths of the
    year: each of its months that has ended counts whole, the current month by the days gone
    (a past quarter 3/12; the whole year on 10 March, (2 + 10/31)/12). None when none of it has
    begun or the period is not within one year (targets are yearly)."""
    if period.year is None:
        return None
    this_month = month_start(today)
    days = calendar.monthrange(today.year, today.month)[1]
    gone = Decimal(0)
    for m in period.months:
        if m < this_month:
            gone += 1
        elif m == this_month:
            gone += Decimal(today.day) / days
    return gone / 12 if gone else None


@dataclass(frozen=True)
class Attainment:
    """A child's progress against its targets: the lowest ratio of progress to the share due."""

    level: str
    ratio: Decimal  # 1 = exactly on the pro-rata line
    metric_label: str  # the metric furthest behind

    @property
    def label(self):
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class Submissions:
    """A child's submitted months among those due (months that have ended)."""

    complete: int
    due: int

    @property
    def ratio(self) -> Decimal:
        return Decimal(self.complete) / self.due if self.due else Decimal(1)

    @property
    def level(self) -> str:
        return ON_TRACK if self.complete >= self.due else level_of(self.ratio)

    @property
    def label(self):
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class Standing:
    attainment: Attainment | None  # None: no target at this child for the period's year
    submissions: Submissions | None  # None: the child does not submit (closed) or nothing is due

    @property
    def attainment_key(self) -> Decimal:
        """For sorting: lowest first; children without targets last."""
        return self.attainment.ratio if self.attainment else Decimal("Infinity")

    @property
    def submissions_key(self) -> Decimal:
        return self.submissions.ratio if self.submissions else Decimal("Infinity")


def attainment_of(figures, share: Decimal | None) -> Attainment | None:
    worst = None
    if share is None:
        return None
    for f in figures:
        if f.progress is None:
            continue
        ratio = f.progress / share
        if worst is None or ratio < worst[0]:
            worst = (ratio, f)
    if worst is None:
        return None
    return Attainment(level_of(worst[0]), worst[0], str(worst[1].metric.label))


def cell_level(figure, share: Decimal | None) -> str | None:
    """The level of one figure against its target, None without a target."""
    if share is None or figure.progress is None:
        return None
    return level_of(figure.progress / share)


def annotate(summary, completeness: dict, today: datetime.date) -> Decimal | None:
    """Set each child row's standing; returns the share of the yearly targets due by today."""
    share = expected_share(summary.period, today)
    submitted = {row["branch"].pk: row["submitted"] for row in completeness["rows"] if row["submitted"]}
    for child in summary.children:
        child.standing = Standing(attainment_of(child.figures, share), submitted.get(child.branch.pk))
        child.share = share
    summary.share = share
    summary.submissions = (
        Submissions(sum(s.complete for s in submitted.values()), sum(s.due for s in submitted.values()))
        if submitted
        else None
    )
    return share
