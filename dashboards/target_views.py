"""Targets of every sub-branch of a node for one metric and year: a form and an XLSX upload."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from branches.access import access_for
from branches.models import Branch, Target
from core.catalogue import METRICS
from core.errors import OutOfScope
from core.periods import parse_period
from dashboards.bulk_targets import TEMPLATE_HEADERS, ChildTargetsForm, UploadForm, UploadRefused, import_upload
from dashboards.views import XLSX, _ancestors, _node, _target_year
from metrics.selectors import totals_by_branch

DEFAULT_METRIC = "home_visits"


def _setter_node(request, code: str) -> Branch:
    branch = _node(request, code)
    if not access_for(request.user).can_set_targets(branch):
        raise PermissionDenied(_("Your role does not allow setting targets at %(branch)s.") % {"branch": branch})
    return branch


def _metric(request) -> str:
    key = request.GET.get("metric") or DEFAULT_METRIC
    if key not in METRICS:
        raise ValidationError(_("Unknown metric %(metric)s.") % {"metric": key[:50]})
    return key


def _page_url(code: str, year: int, metric: str) -> str:
    return reverse("dashboard:targets-children", args=[code]) + "?" + urlencode({"year": year, "metric": metric})


def _render(request, branch, year, metric, form, upload_form, upload_errors=(), status=200):
    children = form.children
    values = totals_by_branch([c.pk for c in children], parse_period(str(year)), metrics=[metric]) if children else {}
    rows = [
        {
            "child": child,
            "field": field,
            "target": target,
            "value": values.get(child.pk, {}).get(metric),
            "progress": (values[child.pk][metric] / target.value) if target and target.value else None,
        }
        for child, field, target in form.rows()
    ]
    context = {
        "branch": branch,
        "ancestors": _ancestors(request, branch),
        "year": year,
        "years": [year - 1, year, year + 1],
        "metric": METRICS[metric],
        "metrics": list(METRICS.values()),
        "form": form,
        "rows": rows,
        "upload_form": upload_form,
        "upload_errors": upload_errors,
        "headers": TEMPLATE_HEADERS,
    }
    return render(request, "dashboards/targets_children.html", context, status=status)


def _form(branch, metric, year, data=None) -> ChildTargetsForm:
    children = list(Branch.objects.filter(parent=branch).order_by("path"))
    current = {
        t.branch_id: t
        for t in Target.objects.filter(branch__in=children, year=year, metric=metric).select_related("set_by")
    }
    return ChildTargetsForm(data, children=children, metric=metric, current=current)


def _bad_request(request, branch, message):
    context = {"branch": branch, "ancestors": _ancestors(request, branch), "year_error": message}
    return render(request, "dashboards/targets_children.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def children_targets(request, code: str):
    """?year=2025&metric=home_visits: each sub-branch's target for that year, one value for all
    or one each; saved through target_set / target_delete, all or nothing."""
    branch = _setter_node(request, code)
    try:
        year, metric = _target_year(request), _metric(request)
    except ValidationError as e:
        return _bad_request(request, branch, e.messages[0])
    form = _form(branch, metric, year, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = form.save(user=request.user, year=year)
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except OutOfScope:
            raise Http404() from None
        else:
            messages.success(
                request,
                _("%(count)s targets of the sub-branches of %(branch)s for %(year)s saved.")
                % {"count": changed, "branch": branch, "year": year},
            )
            return redirect(_page_url(branch.code, year, metric))
    status = 400 if request.method == "POST" else 200
    return _render(request, branch, year, metric, form, UploadForm(), status=status)


@login_required
@require_POST
def upload_targets(request, code: str):
    """An XLSX of (branch code, metric, value) rows for ?year=: every row checked, then all saved
    or none, with each wrong row named."""
    branch = _setter_node(request, code)
    try:
        year, metric = _target_year(request), _metric(request)
    except ValidationError as e:
        return _bad_request(request, branch, e.messages[0])
    upload_form = UploadForm(request.POST, request.FILES)
    errors = []
    if upload_form.is_valid():
        try:
            changed = import_upload(upload_form.cleaned_data["file"], node=branch, user=request.user, year=year)
        except UploadRefused as e:
            errors = e.errors
        else:
            messages.success(
                request,
                _("%(count)s targets for %(year)s saved from the file.") % {"count": changed, "year": year},
            )
            return redirect(_page_url(branch.code, year, metric))
    return _render(request, branch, year, metric, _form(branch, metric, year), upload_form, errors, status=400)


@login_required
@require_GET
def targets_template(request, code: str):
    """An XLSX to fill in: a row per sub-branch for the metric, with the current target."""
    branch = _setter_node(request, code)
    try:
        year, metric = _target_year(request), _metric(request)
    except ValidationError as e:
        return _bad_request(request, branch, e.messages[0])
    form = _form(branch, metric, year)
    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    sheet.append([str(h) for h in TEMPLATE_HEADERS])
    for child, _field, target in form.rows():
        sheet.append([child.code, metric, target.value if target else None])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="targets-{branch.code}-{year}-{metric}.xlsx"'
    return response
