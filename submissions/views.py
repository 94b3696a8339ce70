"""Monthly submission pages: a node's month (submit, nil return, approve, return, reopen) with
the completeness of its children, and a year grid of the children's statuses.

Every action goes through submissions.services; the service refuses an approver who is the author.
"""

import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from audit.models import AuditEntry
from branches.access import access_for
from branches.models import Branch
from core.periods import add_months
from metrics.completeness import (
    STATUS_LABELS,
    children_completeness,
    completeness_rate,
    completeness_rows,
    screen_completeness,
    status_of,
)
from metrics.models import Submission
from records.actions import may
from records.pages.choosers import BranchSearchSelect
from records.pages.display import user_name
from records.pages.errors import ServiceRefusalsMixin, add_validation_error
from records.pages.forms import EntryFormMixin, style_fields
from submissions.services import submission_approve, submission_reopen, submission_return, submission_submit

DONE_ACTIONS = {
    "submit": AuditEntry.Action.SUBMIT,
    "nil-return": AuditEntry.Action.NIL_RETURN,
    "approve": AuditEntry.Action.APPROVE,
    "return": AuditEntry.Action.RETURN,
    "reopen": AuditEntry.Action.REOPEN,
}
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
S = Submission.Status
INDEX_MONTHS = 6  # the index shows each of the user's nodes over the last six months


def parse_month(text: str) -> datetime.date | None:
    match = MONTH_RE.match(text or "")
    if not match or not 1990 <= int(match.group(1)) <= 2100:
        return None
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def default_month() -> datetime.date:
    """The month being submitted now: the previous one (due on the 10th of this one)."""
    return add_months(timezone.localdate().replace(day=1), -1)


class NoteForm(EntryFormMixin, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ReasonForm(EntryFormMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class PickForm(EntryFormMixin, forms.Form):
    branch = forms.ModelChoiceField(
        queryset=Branch.objects.none(),
        label=gettext_lazy("branch"),
        to_field_name="code",
        widget=BranchSearchSelect(purpose="active"),
    )
    month = forms.CharField(label=gettext_lazy("month"), widget=forms.DateInput(attrs={"type": "month"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.for_user(user).filter(is_active=True).order_by("path")
        self.fields["branch"].label_from_instance = lambda b: f"{b.code} · {b}"
        style_fields(self)

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError(_("Enter a month such as 2025-08."))
        return month


class SubmissionIndexView(LoginRequiredMixin, View):
    """Pick a node and a month; the user's own nodes are linked for the month now due."""

    def get(self, request):
        form = PickForm(request.GET or None, user=request.user)
        if form.is_bound and form.is_valid():
            return redirect(
                "submissions:month", code=form.cleaned_data["branch"].code, month=f"{form.cleaned_data['month']:%Y-%m}"
            )
        month = default_month()
        if not form.is_bound:
            form.initial["month"] = f"{month:%Y-%m}"
        access = access_for(request.user)
        nodes = [m.branch for m in access.memberships] or (
            list(Branch.objects.filter(parent__isnull=True)) if access.sees_everything else []
        )
        nodes = list(dict.fromkeys(nodes))
        this_month = timezone.localdate().replace(day=1)
        months = [add_months(this_month, -i) for i in range(INDEX_MONTHS - 1, -1, -1)]
        rows = dict(zip([n.pk for n in nodes], completeness_rows(nodes, months), strict=True))
        return render(
            request,
            "submissions/index.html",
            {
                "form": form,
                "rows": [(node, rows[node.pk]) for node in nodes],
                "months": months,
                "month": f"{month:%Y-%m}",
                "year": month.year,
            },
        )


class SubmissionMonthView(LoginRequiredMixin, ServiceRefusalsMixin, View):
    """One node, one month: its submission and actions, and each child's status."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.month = parse_month(kwargs.get("month", ""))

    def get_branch(self):
        if self.month is None:
            raise Http404()
        return get_object_or_404(Branch.objects.for_user(self.request.user), code=self.kwargs["code"])

    def get_submission(self, branch):
        return (
            Submission.objects.filter(branch=branch, month=self.month)
            .select_related("submitted_by", "decided_by")
            .first()
        )

    def get(self, request, **kwargs):
        branch = self.get_branch()
        return self.render_month(branch, self.get_submission(branch))

    def render_month(self, branch, sub, status=200, **forms_):
        access = access_for(self.request.user)
        user = self.request.user
        # What is offered follows records/actions.py: the manager who submitted (or recorded in)
        # the month is not offered its approval (the four-eyes rule).
        can_submit = bool(may(user, "submission.submit", (branch, self.month, sub)))
        can_approve = bool(may(user, "submission.approve", sub))
        can_return = bool(may(user, "submission.return", sub))
        can_reopen = bool(may(user, "submission.reopen", sub))
        rows = children_completeness(branch, [self.month])
        done, expected = completeness_rate(rows)
        history = []
        if sub is not None:
            history = AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Submission), object_id=sub.pk
            ).select_related("user")
        parent = branch.parent if branch.parent_id and access.in_scope(branch.parent) else None
        context = {
            "branch": branch,
            "parent": parent,
            "month": self.month,
            "month_text": f"{self.month:%Y-%m}",
            "previous_month": f"{add_months(self.month, -1):%Y-%m}",
            "next_month": f"{add_months(self.month, 1):%Y-%m}",
            "sub": sub,
            "status": status_of(sub, self.month),
            "status_label": STATUS_LABELS[status_of(sub, self.month)],
            "submitted_by": user_name(sub.submitted_by) if sub and sub.submitted_by else "",
            "decided_by": user_name(sub.decided_by) if sub and sub.decided_by else "",
            "submit_form": forms_.get("submit_form") or (NoteForm() if can_submit else None),
            "can_approve": can_approve,
            "return_form": forms_.get("return_form") or (ReasonForm() if can_return else None),
            "reopen_form": forms_.get("reopen_form") or (ReasonForm() if can_reopen else None),
            "errors": forms_.get("errors", []),
            "cells": [row[0] for row in rows],
            "done": done,
            "expected": expected,
            "history": [(e, user_name(e.user)) for e in history],
        }
        return render(self.request, "submissions/month.html", context, status=status)


class SubmissionActionView(SubmissionMonthView):
    """POST one action; on a refusal the month page comes back with the reason."""

    http_method_names = ["post"]
    action = ""  # submit | nil-return | approve | return | reopen

    def post(self, request, **kwargs):
        branch = self.get_branch()
        sub = self.get_submission(branch)
        if self.action in ("approve", "return", "reopen") and sub is None:
            raise Http404()
        form, key = None, ""
        try:
            if self.action in ("submit", "nil-return"):
                form, key = NoteForm(request.POST), "submit_form"
                if form.is_valid():
                    submission_submit(
                        user=request.user,
                        branch=branch,
                        month=self.month,
                        nil_return=self.action == "nil-return",
                        note=form.cleaned_data["note"],
                    )
            elif self.action == "approve":
                submission_approve(sub, user=request.user)
            else:
                form, key = ReasonForm(request.POST), f"{self.action}_form"
                if form.is_valid():
                    decide = submission_return if self.action == "return" else submission_reopen
                    decide(sub, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if form is None:
                return self.render_month(branch, sub, errors=exc.messages)
            add_validation_error(form, exc)
        if form is None or not form.errors:
            done = DONE_ACTIONS[self.action].label
            messages.success(
                request,
                _("%(branch)s %(month)s: %(done)s.") % {"branch": branch, "month": f"{self.month:%Y-%m}", "done": done},
            )
            return redirect("submissions:month", code=branch.code, month=f"{self.month:%Y-%m}")
        return self.render_month(branch, sub, **{key: form})


class CompletenessYearView(LoginRequiredMixin, View):
    """Every branch of the node's subtree (the node itself first, when it submits to a parent),
    one cell per month of the year: on time, late, nil return, returned, missing, open, not begun.
    A subtree larger than a screen is listed by the node's direct children, each linking to its
    own grid. Three queries for the grid whatever the subtree's size."""

    def get(self, request, code, year):
        year = int(year)
        if not 1990 <= year <= 2100:
            raise Http404()
        branch = get_object_or_404(Branch.objects.for_user(request.user), code=code)
        months = [datetime.date(year, m, 1) for m in range(1, 13)]
        rows, whole, cut = screen_completeness(branch, months)
        done, expected = completeness_rate(rows)
        return render(
            request,
            "submissions/year.html",
            {
                "branch": branch,
                "year": year,
                "previous_year": year - 1,
                "next_year": year + 1,
                "months": months,
                "rows": [(row[0].branch, row[0].branch.depth - branch.depth, row) for row in rows],
                "whole": whole,
                "cut": cut,
                "done": done,
                "expected": expected,
                "legend": list(STATUS_LABELS.items()),
            },
        )
