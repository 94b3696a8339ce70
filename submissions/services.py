"""Monthly submission and approval (after DHIS2's data approval): submit or file a nil return,
the parent approves or returns it, approval locks the branch-month until an approver reopens it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import audit
from audit.models import AuditEntry
from branches.access import access_for
from core.errors import OutOfScope
from core.free_text import validate_free_text
from metrics.models import Submission
from records.actions import authored_records_in

S = Submission.Status


def _free_text(field: str, text: str) -> None:
    """A note or reason is free text, refused as in records (portal/free_text.py)."""
    try:
        validate_free_text(text or "")
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _scope(user, branch) -> None:
    if not access_for(user).in_scope(branch):
        raise OutOfScope()


def _check_month(month: datetime.date) -> datetime.date:
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("A month can be submitted only once it has begun.")})
    return month


def _locked(branch, month):
    return Submission.objects.select_for_update().filter(branch=branch, month=month).first()


@transaction.atomic
def submission_submit(*, user, branch, month: datetime.date, nil_return: bool = False, note: str = "") -> Submission:
    """Submit the month's records, or a nil return ("nothing to report")."""
    _scope(user, branch)
    if not access_for(user).can_submit(branch):
        raise PermissionDenied(_("Only a branch manager submits the month."))
    month = _check_month(month)
    _free_text("note", note)
    sub = _locked(branch, month)
    if sub and sub.status in (S.SUBMITTED, S.APPROVED):
        raise ValidationError(
            {
                "month": _("%(month)s is already %(status)s.")
                % {"month": month.strftime("%Y-%m"), "status": sub.get_status_display()}
            }
        )
    if sub is None:
        sub = Submission(branch=branch, month=month)
    else:
        sub.version += 1
    sub.status, sub.is_nil_return = S.SUBMITTED, nil_return
    sub.submitted_by, sub.submitted_at = user, timezone.now()
    sub.decided_by, sub.decided_at, sub.reason = None, None, note[:500]
    sub.save()
    audit(
        user=user,
        action=AuditEntry.Action.NIL_RETURN if nil_return else AuditEntry.Action.SUBMIT,
        obj=sub,
        branch=branch,
        reason=note[:500],
    )
    return sub


def _decide_check(user, sub: Submission) -> None:
    _scope(user, sub.branch)
    if not access_for(user).can_approve(sub.branch):
        raise PermissionDenied(_("Only an approver of the parent branch decides on this submission."))


@transaction.atomic
def submission_approve(submission: Submission, *, user) -> Submission:
    sub = Submission.objects.select_for_update().select_related("branch").get(pk=submission.pk)
    _decide_check(user, sub)
    if sub.status != S.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted month can be approved.")})
    if sub.submitted_by_id == user.pk or authored_records_in(user, sub.branch, sub.month):
        raise PermissionDenied(_("You submitted or recorded this month's data: another approver must approve it."))
    sub.status, sub.decided_by, sub.decided_at, sub.reason = S.APPROVED, user, timezone.now(), ""
    sub.version += 1
    sub.save()
    audit(user=user, action=AuditEntry.Action.APPROVE, obj=sub, branch=sub.branch)
    return sub


@transaction.atomic
def submission_return(submission: Submission, *, user, reason: str) -> Submission:
    sub = Submission.objects.select_for_update().select_related("branch").get(pk=submission.pk)
    _decide_check(user, sub)
    if sub.status != S.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted month can be returned.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the month is returned.")})
    _free_text("reason", reason)
    sub.status, sub.decided_by, sub.decided_at, sub.reason = S.RETURNED, user, timezone.now(), reason.strip()[:500]
    sub.version += 1
    sub.save()
    audit(user=user, action=AuditEntry.Action.RETURN, obj=sub, branch=sub.branch, reason=sub.reason)
    return sub


@transaction.atomic
def submission_reopen(submission: Submission, *, user, reason: str) -> Submission:
    """Unlock an approved month so that records can be corrected; audited with the reason."""
    sub = Submission.objects.select_for_update().select_related("branch").get(pk=submission.pk)
    _decide_check(user, sub)
    if sub.status != S.APPROVED:
        raise ValidationError({"status": _("Only an approved month can be reopened.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the month is reopened.")})
    _free_text("reason", reason)
    sub.status, sub.decided_by, sub.decided_at, sub.reason = S.REOPENED, user, timezone.now(), reason.strip()[:500]
    sub.version += 1
    sub.save()
    audit(user=user, action=AuditEntry.Action.REOPEN, obj=sub, branch=sub.branch, reason=sub.reason)
    return sub
