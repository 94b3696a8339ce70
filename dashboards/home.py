"""What each person's home page shows, from the data the rest of the portal uses: the kind
registry (core/kinds.py), the records, the monthly submissions, the reminders and the targets.

Every panel runs a fixed number of queries whatever the size of the data (at most one per
record kind): the home page's query count does not grow with the records, nodes or months.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils import timezone

from branches.access import APPROVERS, SUBMITTERS, access_for
from branches.models import Branch, Role, Target
from core.catalogue import METRICS
from core.kinds import record_kinds
from core.periods import add_months, parse_period
from dashboards.authored import authored_ids
from metrics.completeness import children_completeness
from metrics.models import Submission
from metrics.selectors import totals_by_branch
from records.actions import may
from records.pages.forms import writable_branches
from reminders.models import Notification
from reminders.services import visible_to
from reminders.text import sentence

S = Submission.Status
RECENT = 8  # own recent records shown
MONTHS_BACK = 12  # months to submit: the last twelve that have ended
COUNTED_DAYS = 365  # the kinds a user logs: counted over their records of the last year
LAPSING_DAYS = 90
LIST = 8  # at most this many rows in a panel
_UNKNOWN = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@dataclass
class QuickAdd:
    slug: str
    label: str
    url: str
    count: int


@dataclass
class Home:
    roles: set = field(default_factory=set)
    quick_add: list = field(default_factory=list)
    work_pages: list = field(default_factory=list)  # the kinds' pages beyond their forms
    recent: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    to_submit: list = field(default_factory=list)
    returned: list = field(default_factory=list)
    to_approve: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    lapsing: list = field(default_factory=list)
    lagging: list = field(default_factory=list)


def roles_of(access) -> set[str]:
    if access.sees_everything:
        return {Role.OUTLET_STAFF, Role.BRANCH_MANAGER, Role.ANALYST}
    return {m.role for m in access.memberships}


def kind_counts(user, authored: dict) -> dict[str, int]:
    """The user's own records of the last year by kind, of those they created lately
    (dashboards/authored.py): one query (a UNION of per-kind counts, read by primary key)."""
    since = timezone.localdate() - datetime.timedelta(days=COUNTED_DAYS)
    parts = [
        kind.model.objects.for_user(user)
        .filter(pk__in=authored[kind.model], created_by=user, occurred_on__gte=since)
        .order_by()
        .values("created_by")
        .annotate(n=Count("pk"), slug=Value(kind.slug))
        .values_list("slug", "n")
        for kind in record_kinds()
        if kind.model in authored
    ]
    if not parts:
        return {}
    return dict(parts[0].union(*parts[1:], all=True))


def quick_add(user, authored: dict) -> list[QuickAdd]:
    """A button per kind the user may record somewhere, their most used first (then the
    registry's order). A kind limited to some branches (the love-station tally) is offered only
    where the user has such a branch: one query per kind with such a limit."""
    if not may(user, "record.create"):
        return []
    counts = kind_counts(user, authored)
    buttons = []
    for order, kind in enumerate(record_kinds()):
        if kind.form_class is None:
            continue
        filters = getattr(kind.form_class, "branch_filters", None) or {}
        if filters and not writable_branches(user, **filters).exists():
            continue
        buttons.append((-counts.get(kind.slug, 0), order, kind))
    buttons.sort(key=lambda b: b[:2])
    return [QuickAdd(k.slug, k.label, k.url("new"), -n) for n, _order, k in buttons]


def own_recent(user, authored: dict, limit: int = RECENT) -> list:
    """The user's own records of those they created lately (dashboards/authored.py), newest
    date first: one query per kind they created, each read by primary key."""
    found = []
    for kind in record_kinds():
        if kind.model not in authored:
            continue
        found.extend(
            kind.model.objects.for_user(user)
            .filter(pk__in=authored[kind.model], created_by=user)
            .select_related("branch")
            .order_by("-occurred_on", "-id")[:limit]
        )
    # A stored date that could not be read (records/stored_dates.py) sorts last, not a 500.
    found.sort(key=lambda r: (r.occurred_on or datetime.date.min, r.created_at or _UNKNOWN, r.pk), reverse=True)
    return found[:limit]


def notifications(user, kinds, limit: int = LIST) -> list:
    """The user's unread reminders of these kinds, with their sentences: one query."""
    rows = visible_to(user).filter(kind__in=kinds, read_at__isnull=True).select_related("branch")[:limit]
    return [(n, sentence(n)) for n in rows]


def submitting_nodes(access) -> list[Branch]:
    if access.sees_everything:
        return []
    return [m.branch for m in access.memberships if m.role in SUBMITTERS]


def months_to_submit(access, today: datetime.date) -> list[tuple[Branch, datetime.date]]:
    """The user's own nodes' ended months (the last twelve) not submitted, oldest first: one query."""
    nodes = submitting_nodes(access)
    if not nodes:
        return []
    this_month = today.replace(day=1)
    months = [add_months(this_month, -i) for i in range(MONTHS_BACK, 0, -1)]
    done = set(
        Submission.objects.filter(branch__in=nodes, month__in=months, status__in=[S.SUBMITTED, S.APPROVED]).values_list(
            "branch_id", "month"
        )
    )
    return [(b, m) for b in nodes for m in months if (b.pk, m) not in done][:LIST]


def returned(access) -> list[Submission]:
    nodes = submitting_nodes(access)
    if not nodes:
        return []
    return list(Submission.objects.filter(branch__in=nodes, status=S.RETURNED).select_related("branch", "decided_by"))[
        :LIST
    ]


def waiting_for(user, access) -> list[Submission]:
    """Submitted months below the nodes where the user approves, which they did not submit
    themselves (the four-eyes rule): one query."""
    subs = Submission.objects.filter(status=S.SUBMITTED).exclude(submitted_by=user)
    if not access.sees_everything:
        above = Q()
        for m in access.memberships:
            if m.role in APPROVERS:
                above |= Q(branch__path__startswith=m.branch.path) & ~Q(branch=m.branch)
        if not above:
            return []
        subs = subs.filter(above)
    return list(subs.select_related("branch", "submitted_by").order_by("month", "branch__path")[:LIST])


def lapsing(user, today: datetime.date) -> list[dict]:
    """Titles in the user's scope ending within LAPSING_DAYS, from the kinds that declare them."""
    found = []
    for kind in record_kinds():
        if kind.lapsing is not None:
            found.extend(kind.lapsing(kind.model.objects.for_user(user), today, LAPSING_DAYS, LIST))
    return sorted(found, key=lambda item: item["days_left"])[:LIST]


@dataclass
class Lag:
    branch: Branch
    done: int = 0
    expected: int = 0
    behind: list = field(default_factory=list)  # [(metric label, value, target, percent)]

    @property
    def missing(self) -> int:
        return self.expected - self.done


def lagging(user, access, today: datetime.date) -> list[Lag]:
    """The children of the user's top nodes behind on submissions (the ended months of this
    year) or on this year's targets (below their pace so far): a fixed number of queries."""
    roots = list(Branch.objects.filter(parent__isnull=True, is_active=True)) if access.sees_everything else access.roots
    this_month = today.replace(day=1)
    months = [datetime.date(today.year, m, 1) for m in range(1, this_month.month)]
    lags: dict[int, Lag] = {}
    for root in roots[:LIST]:
        for row in children_completeness(root, months):
            lag = lags.setdefault(row[0].branch.pk, Lag(row[0].branch)) if row else None
            if lag is not None:
                lag.done = sum(1 for cell in row if cell.is_complete)
                lag.expected = len(row)
    targets = list(
        Target.objects.for_user(user)
        .filter(year=today.year, value__gt=0, branch__is_active=True)
        .select_related("branch")
    )
    if targets:
        values = totals_by_branch(
            {t.branch_id for t in targets}, parse_period(str(today.year)), metrics={t.metric for t in targets}
        )
        pace = Decimal(today.timetuple().tm_yday) / Decimal(365)
        for t in targets:
            value = Decimal(str(values.get(t.branch_id, {}).get(t.metric) or 0))
            if value < t.value * pace:
                metric = METRICS.get(t.metric)
                lag = lags.setdefault(t.branch_id, Lag(t.branch))
                lag.behind.append((metric.label if metric else t.metric, value, t.value, int(value * 100 / t.value)))
    behind = [lag for lag in lags.values() if lag.missing or lag.behind]
    behind.sort(key=lambda lag: (-lag.missing, -len(lag.behind), lag.branch.path))
    return behind[:LIST]


def home_for(user) -> Home:
    access = access_for(user)
    today = timezone.localdate()
    home = Home(roles=roles_of(access))
    writer = any(access.can_write_records(m.branch) for m in access.memberships) or access.sees_everything
    if writer:
        authored = authored_ids(user)
        home.quick_add = quick_add(user, authored)
        offered = {b.slug for b in home.quick_add}
        home.work_pages = [
            (link.label, reverse(link.url_name)) for k in record_kinds() if k.slug in offered for link in k.nav_links
        ]
        home.recent = own_recent(user, authored)
    if Role.OUTLET_STAFF in home.roles:
        home.follow_ups = notifications(
            user,
            [Notification.Kind.FOLLOW_UP_DUE, Notification.Kind.FOLLOW_UP_OVERDUE, Notification.Kind.REOPEN_REQUESTED],
        )
    if home.roles & {Role.BRANCH_MANAGER, Role.ADMIN}:
        home.to_submit = months_to_submit(access, today)
        home.returned = returned(access)
        home.overdue = notifications(user, [Notification.Kind.FOLLOW_UP_OVERDUE, Notification.Kind.REOPEN_REQUESTED])
        home.lapsing = lapsing(user, today)
    elif Role.ANALYST in home.roles:  # analysts reopen the months of the branches below them
        home.overdue = notifications(user, [Notification.Kind.REOPEN_REQUESTED])
    if home.roles & {Role.BRANCH_MANAGER, Role.ANALYST, Role.ADMIN}:
        home.to_approve = waiting_for(user, access)
    if home.roles & {Role.ANALYST, Role.ADMIN}:
        home.lagging = lagging(user, access, today)
    return home
