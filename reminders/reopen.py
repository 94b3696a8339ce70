"""Asking for a locked month to be reopened: a user who may not change a record in an approved
month (records/actions.py) notifies everyone who can reopen it, the approvers above the approved
node (a superuser where there is none), with a link to the month where they reopen it."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.access import APPROVERS
from branches.models import Membership
from core.kinds import kind_for_slug
from records.actions import may
from records.pages.display import user_name
from reminders.models import Notification


def reopeners(sub) -> list:
    """The ids of the users who can reopen the submission: approvers strictly above its node."""
    above = [pk for pk in sub.branch.ancestor_ids if pk != sub.branch_id]
    users = set(
        Membership.objects.filter(
            branch_id__in=above, role__in=APPROVERS, user__is_active=True, branch__is_active=True
        ).values_list("user_id", flat=True)
    )
    if not users:
        users = set(get_user_model().objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True))
    return sorted(users)


def request_reopen(record, *, user) -> int:
    """Notify the reopeners of the month that locks `record`; returns how many were notified
    (0 when they were asked already by this user for this approval)."""
    decision = may(user, "record.request_reopen", record)
    if not decision:
        raise PermissionDenied(decision.reason)
    sub = decision.lock
    month = f"{sub.month:%Y-%m}"
    key = f"{Notification.Kind.REOPEN_REQUESTED}:{sub.pk}:{sub.version}:{user.pk}"
    rows = [
        Notification(
            user_id=uid,
            branch=sub.branch,
            kind=Notification.Kind.REOPEN_REQUESTED,
            key=key,
            params={"month": month, "who": user_name(user)},
            url=reverse("submissions:month", args=[sub.branch.code, month]),
        )
        for uid in reopeners(sub)
    ]
    already = set(Notification.objects.filter(key=key).values_list("user_id", flat=True))
    rows = [n for n in rows if n.user_id not in already]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@login_required
@require_POST
def request_reopen_view(request, kind: str, pk: int):
    record_kind = kind_for_slug(kind)
    if record_kind is None:
        raise Http404()
    record = get_object_or_404(record_kind.model.objects.for_user(request.user).select_related("branch"), pk=pk)
    sent = request_reopen(record, user=request.user)
    if sent:
        messages.success(request, _("Your request to reopen the month was sent to %(n)s approvers.") % {"n": sent})
    else:
        messages.info(request, _("You have already asked for this month to be reopened."))
    return redirect(record.get_absolute_url())
