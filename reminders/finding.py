"""What is due on a day, by kind: each item names its node, the roles at that node that resolve
it, and the page where it is resolved. Each finder runs a fixed number of queries, whatever the
number of nodes and records. A resolved item is not found, so it is not reminded again."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from branches.access import SUBMITTERS, TARGET_SETTERS, WRITERS
from branches.models import Branch, Honour, Membership, Target
from metrics.models import Submission, submission_due
from metrics.periods import add_months, parse_period
from metrics.selectors import totals_by_branch
from reminders.models import Notification
from services.models import HomeVisit

K = Notification.Kind


@dataclass(frozen=True)
class Due:
    kind: str
    branch: Branch
    key: str
    url: str
    roles: frozenset
    params: dict = field(default_factory=dict)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def months_not_submitted(today: datetime.date) -> list[Due]:
    """From REMINDER_SUBMISSION_DAY of a month on, each node with a submitter of its own whose
    previous month is not submitted (or was returned or reopened)."""
    if today.day < _setting("REMINDER_SUBMISSION_DAY", 8):
        return []
    month = add_months(today.replace(day=1), -1)
    due = submission_due(month).date()
    with_submitters = Membership.objects.filter(role__in=SUBMITTERS, branch__is_active=True).values("branch_id")
    complete = Submission.objects.filter(
        month=month, status__in=[Submission.Status.SUBMITTED, Submission.Status.APPROVED]
    ).values("branch_id")
    branches = Branch.objects.filter(pk__in=with_submitters).exclude(pk__in=complete)
    return [
        Due(
            K.MONTH_DUE,
            b,
            f"{K.MONTH_DUE}:{b.pk}:{month:%Y-%m}",
            reverse("submissions:month", args=[b.code, f"{month:%Y-%m}"]),
            frozenset(SUBMITTERS),
            {"month": f"{month:%Y-%m}", "due": due.isoformat()},
        )
        for b in branches
    ]


def follow_ups(today: datetime.date) -> list[Due]:
    """Home visits whose 72-hour follow-up is not done: due today or tomorrow, or overdue (for
    REMINDER_OVERDUE_DAYS after it was due: older ones are the supervisors' matter)."""
    oldest = today - datetime.timedelta(days=_setting("REMINDER_OVERDUE_DAYS", 14))
    visits = HomeVisit.objects.filter(
        follow_up_done_on__isnull=True,
        follow_up_due__gte=oldest,
        follow_up_due__lte=today + datetime.timedelta(days=1),
        branch__is_active=True,
    ).select_related("branch")
    found = []
    for visit in visits:
        kind = K.FOLLOW_UP_OVERDUE if visit.follow_up_due < today else K.FOLLOW_UP_DUE
        found.append(
            Due(
                kind,
                visit.branch,
                f"{kind}:{visit.pk}",
                visit.get_absolute_url(),
                frozenset(WRITERS),
                {"date": visit.occurred_on.isoformat(), "due": visit.follow_up_due.isoformat()},
            )
        )
    return found


def honours_lapsing(today: datetime.date) -> list[Due]:
    """Honorary titles in force whose validity ends within REMINDER_HONOUR_DAYS (90); renewed, a
    title has a new end and is reminded of again before that one."""
    until = today + datetime.timedelta(days=_setting("REMINDER_HONOUR_DAYS", 90))
    titles = Honour.objects.filter(
        kind=Honour.Kind.TITLE,
        valid_until__gte=today,
        valid_until__lte=until,
        branch__is_active=True,
    ).exclude(status=Honour.Status.REVOKED)
    return [
        Due(
            K.HONOUR_LAPSING,
            h.branch,
            f"{K.HONOUR_LAPSING}:{h.pk}:{h.valid_until.isoformat()}",
            h.get_absolute_url(),
            frozenset(SUBMITTERS),
            {"title": h.title, "until": h.valid_until.isoformat()},
        )
        for h in titles.select_related("branch")
    ]


def targets_behind(today: datetime.date) -> list[Due]:
    """In the last REMINDER_TARGET_DAYS (14) of a quarter: the year's targets whose value so far
    is below the target's share for the quarters that will have passed (a quarter of it per
    quarter)."""
    quarter = (today.month - 1) // 3 + 1
    quarter_end = add_months(datetime.date(today.year, 3 * quarter, 1), 1) - datetime.timedelta(days=1)
    if (quarter_end - today).days >= _setting("REMINDER_TARGET_DAYS", 14):
        return []
    targets = list(Target.objects.filter(year=today.year, value__gt=0, branch__is_active=True).select_related("branch"))
    if not targets:
        return []
    values = totals_by_branch(
        {t.branch_id for t in targets}, parse_period(str(today.year)), metrics={t.metric for t in targets}
    )
    found = []
    for t in targets:
        value = Decimal(str(values.get(t.branch_id, {}).get(t.metric) or 0))
        expected = t.value * quarter / 4
        if value < expected:
            found.append(
                Due(
                    K.TARGET_BEHIND,
                    t.branch,
                    f"{K.TARGET_BEHIND}:{t.pk}:{today.year}Q{quarter}",
                    reverse("dashboard:targets", args=[t.branch.code]) + f"?year={today.year}",
                    frozenset(TARGET_SETTERS),
                    {
                        "metric": t.metric,
                        "year": today.year,
                        "quarter": quarter,
                        "value": _plain(value),
                        "target": _plain(t.value),
                        "expected": _plain(expected),
                    },
                )
            )
    return found


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:.2f}"


FINDERS = (months_not_submitted, follow_ups, honours_lapsing, targets_behind)


def due_on(today: datetime.date) -> list[Due]:
    return [due for finder in FINDERS for due in finder(today)]
