"""Monthly submission, approval, return, nil return and reopen; approval locks the month."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audit.models import AuditEntry
from core.errors import OutOfScope, PeriodLocked
from metrics.models import Submission
from services.models import OutreachEvent
from services.services import outreach_event_create, outreach_event_delete, outreach_event_update
from submissions.services import submission_approve, submission_reopen, submission_return, submission_submit
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
AUG = datetime.date(2025, 8, 1)


@pytest.fixture
def approved(net, staff_qk, manager_qk, analyst_wh):
    event = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    submission_approve(sub, user=analyst_wh)
    return event


def test_approval_locks_the_month_for_create_edit_and_delete(net, staff_qk, analyst_wh, approved):
    analyst_wh.first_name = "刘洋"
    analyst_wh.save()
    with pytest.raises(PeriodLocked) as refused:
        outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    assert "刘洋" in str(refused.value) and "2025-08" in str(refused.value) and "重新开放" in str(refused.value)
    with pytest.raises(PeriodLocked):
        outreach_event_update(approved, user=staff_qk, attendees=1)
    with pytest.raises(PeriodLocked):
        outreach_event_delete(approved, user=staff_qk)
    # Moving a record into the locked month is refused too.
    other = outreach_event_create(
        user=staff_qk, **(record_data("outreach-events", net) | {"occurred_on": datetime.date(2025, 9, 2)})
    )
    with pytest.raises(PeriodLocked):
        outreach_event_update(other, user=staff_qk, occurred_on=datetime.date(2025, 8, 3))
    assert OutreachEvent.objects.count() == 2
    with translation.override("en"), pytest.raises(PeriodLocked) as refused:
        outreach_event_update(approved, user=staff_qk, attendees=1)
    assert "approved by 刘洋" in str(refused.value) and "reopen" in str(refused.value)


def test_approval_of_a_parent_locks_its_subtree(net, staff_qk, manager_qk, analyst_wh):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK"], month=AUG)
    submission_approve(sub, user=analyst_wh)
    with pytest.raises(PeriodLocked):
        outreach_event_create(user=staff_qk, **record_data("outreach-events", net))


def test_reopen_unlocks_and_is_audited(net, staff_qk, analyst_wh, approved):
    sub = Submission.objects.get(branch=net["WH-QK-01"], month=AUG)
    with pytest.raises(ValidationError):
        submission_reopen(sub, user=analyst_wh, reason="  ")
    submission_reopen(sub, user=analyst_wh, reason="补录8月上门服务")
    outreach_event_update(approved, user=staff_qk, attendees=45)
    entry = AuditEntry.objects.get(action="reopen")
    assert entry.user == analyst_wh and entry.reason == "补录8月上门服务"


def test_the_approver_is_never_the_author(net, staff_qk, manager_qk, analyst_wh):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    with pytest.raises(PermissionDenied):
        submission_approve(sub, user=manager_qk)  # submitted it
    outreach_event_create(user=manager_qk, **record_data("outreach-events", net))
    with pytest.raises(PermissionDenied):
        submission_approve(sub, user=manager_qk)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.SUBMITTED


def test_only_a_parent_approves(net, manager_qk, staff_qk):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK"], month=AUG)
    other_manager = net.user("m2", "WH-QK", "branch_manager")
    with pytest.raises(PermissionDenied):
        submission_approve(sub, user=other_manager)  # same node, not its parent
    with pytest.raises(PermissionDenied):
        submission_submit(user=staff_qk, branch=net["WH-QK-01"], month=AUG)  # staff do not submit
    outsider = net.user("bbt", "WH-BBT", "branch_manager")
    with pytest.raises(OutOfScope):
        submission_approve(sub, user=outsider)


def test_return_with_reason_then_resubmit(net, manager_qk, analyst_wh):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    with pytest.raises(ValidationError):
        submission_return(sub, user=analyst_wh, reason="")
    sub = submission_return(sub, user=analyst_wh, reason="上门服务缺少录音编号")
    assert sub.status == "returned" and sub.reason == "上门服务缺少录音编号"
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    assert sub.status == "submitted" and sub.decided_by is None
    with pytest.raises(ValidationError):
        submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)


def test_nil_return_is_complete_and_distinct(net, manager_qk, analyst_wh):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-02"], month=AUG, nil_return=True)
    assert sub.is_complete and sub.is_nil_return
    assert AuditEntry.objects.filter(action="nil_return", object_id=sub.pk).exists()
    sub = submission_approve(sub, user=analyst_wh)
    assert sub.is_nil_return and sub.status == "approved"


def test_future_month_cannot_be_submitted(net, manager_qk):
    with pytest.raises(ValidationError):
        submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=datetime.date(2100, 1, 1))


def test_late_submission(net, manager_qk):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    assert sub.is_late  # submitted now, long after September 10th 2025
    assert sub.due_at.date() == datetime.date(2025, 9, 10)
