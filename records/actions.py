"""May this user do this action on this object now? One answer for the pages, the templates
(`{% may "record.edit" obj as allowed %}`, records/templatetags/actions.py) and the API.

The answer follows the same rules the service functions enforce (role and scope from
branches/access.py, the period lock of records/services.py, the submission workflow and its
four-eyes rule): a page offers a control only when the service behind it would accept it, and
says why not otherwise. The services still check everything themselves.

Actions and their objects:

    record.create   a RecordKind (or None): somewhere in the user's scope to record it
    record.edit     a record: role at its branch, its months not approved
    record.delete   the same
    record.photo    adding or removing a record's photos: the same
    record.request_reopen   a record in a locked month, which the user may read but not reopen
    submission.submit       (branch, month, submission or None)
    submission.approve      a submission: submitted, the user approves above it, and did not
                            submit it nor record in its month (the four-eyes rule)
    submission.return       a submitted submission the user approves above
    submission.reopen       an approved submission the user approves above
    api.use         the API tokens and documentation (not for outlet staff)
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import access_for
from branches.models import Role
from core.errors import PeriodLocked
from metrics.models import Submission
from metrics.rollup import record_models
from records.services import check_months_open, months_touched

S = Submission.Status


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # The approved submission that locks a record's month, when that is the reason.
    lock: Submission | None = field(default=None, compare=False)

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _refused(reason, lock=None) -> Decision:
    return Decision(False, str(reason), lock)


def period_lock(record) -> Submission | None:
    """The approved submission that locks the record's months, or None."""
    try:
        check_months_open(record.branch, months_touched(record))
    except PeriodLocked as exc:
        return exc.submission
    return None


def authored_records_in(user, branch, month: datetime.date) -> bool:
    """Whether the user recorded anything at the branch in the month (they may not approve it)."""
    end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return any(
        m.objects.filter(branch=branch, created_by=user, occurred_on__gte=month, occurred_on__lt=end).exists()
        for m in record_models()
    )


def _record_write(user, record) -> Decision:
    access = access_for(user)
    if not access.in_scope(record.branch):
        return _refused(_("This record is outside your scope."))
    if not access.can_write_records(record.branch):
        return _refused(_("Your role does not allow recording at %(branch)s.") % {"branch": record.branch})
    lock = period_lock(record)
    if lock is not None:
        return _refused(PeriodLocked(lock), lock)
    return ALLOWED


def _record_create(user, kind) -> Decision:
    access = access_for(user)
    if access.sees_everything or any(access.can_write_records(m.branch) for m in access.memberships):
        return ALLOWED
    return _refused(_("Your role does not allow recording at any branch of your scope."))


def _request_reopen(user, record) -> Decision:
    access = access_for(user)
    if not access.in_scope(record.branch):
        return _refused(_("This record is outside your scope."))
    lock = period_lock(record)
    if lock is None:
        return _refused(_("The record's month is open."))
    if access.can_approve(lock.branch):
        return _refused(_("You can reopen the month yourself."), lock)
    return Decision(True, "", lock)


def _submit(user, obj) -> Decision:
    branch, month, sub = obj
    access = access_for(user)
    if not access.in_scope(branch) or not access.can_submit(branch):
        return _refused(_("Only a branch manager submits the month."))
    if sub is not None and sub.status in (S.SUBMITTED, S.APPROVED):
        return _refused(_("The month is already %(status)s.") % {"status": sub.get_status_display()})
    if month.replace(day=1) > timezone.localdate().replace(day=1):
        return _refused(_("A month can be submitted only once it has begun."))
    return ALLOWED


def _decide(user, sub, status) -> Decision:
    access = access_for(user)
    if sub is None or not access.in_scope(sub.branch) or not access.can_approve(sub.branch):
        return _refused(_("Only an approver of the parent branch decides on this submission."))
    if sub.status != status:
        return _refused(_("The month is %(status)s.") % {"status": sub.get_status_display()})
    return ALLOWED


def _approve(user, sub) -> Decision:
    decision = _decide(user, sub, S.SUBMITTED)
    if not decision:
        return decision
    if sub.submitted_by_id == user.pk or authored_records_in(user, sub.branch, sub.month):
        return _refused(_("You submitted or recorded this month's data: another approver must approve it."))
    return ALLOWED


def _api(user, obj) -> Decision:
    access = access_for(user)
    if access.sees_everything or any(m.role != Role.OUTLET_STAFF for m in access.memberships):
        return ALLOWED
    return _refused(_("Outlet staff work in the portal's pages; the API is for managers, analysts and systems."))


RULES = {
    "record.create": _record_create,
    "record.edit": _record_write,
    "record.delete": _record_write,
    "record.photo": _record_write,
    "record.request_reopen": _request_reopen,
    "submission.submit": _submit,
    "submission.approve": _approve,
    "submission.return": lambda user, sub: _decide(user, sub, S.SUBMITTED),
    "submission.reopen": lambda user, sub: _decide(user, sub, S.APPROVED),
    "api.use": _api,
}


def may(user, action: str, obj=None) -> Decision:
    """Whether `user` may do `action` on `obj` now, and why not."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _refused(_("Log in first."))
    return RULES[action](user, obj)
