"""What is due on a day, by kind: each item names its node, the roles at that node that resolve
it, and the page where it is resolved. Each finder runs a fixed number of queries, whatever the
number of nodes and records. A resolved item is not found, so it is not reminded again."""

import datetime
from decimal import Decimal

from django.urls import reverse

from branches.access import SUBMITTERS, TARGET_SETTERS
from branches.models import Branch, Membership, Target
from core.kinds import record_kinds
from core.periods import add_months, parse_period
from core.reminders import Due, reminder_setting
from metrics.models import Submission, submission_due
from metrics.selectors import totals_by_branch
from reminders.models import Notification

K = Notification.Kind


def months_not_submitted(today: datetime.date) -> list[Due]:
    """From REMINDER_SUBMISSION_DAY of a month on, each node with a submitter of its own whose
    previous month is not submitted (or was returned or reopened)."""
    if today.day < reminder_setting("REMINDER_SUBMISSION_DAY", 8):
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


def targets_behind(today: datetime.date) -> list[Due]:
    """In the last REMINDER_TARGET_DAYS (14) of a quarter: the year's targets whose value so far
    is below the target's share for the quarters that will have passed (a quarter of it per
    quarter)."""
    quarter = (today.month - 1) // 3 + 1
    quarter_end = add_months(datetime.date(today.year, 3 * quarter, 1), 1) - datetime.timedelta(days=1)
    if (quarter_end - today).days >= reminder_setting("REMINDER_TARGET_DAYS", 14):
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


FINDERS = (months_not_submitted, targets_behind)


def due_on(today: datetime.date) -> list[Due]:
    """The portal's own reminders, then those every kind declares (core.kinds)."""
    finders = [*FINDERS, *(finder for kind in record_kinds() for finder in kind.reminders)]
    return [due for finder in finders for due in finder(today)]
