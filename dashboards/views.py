"""Dashboard pages: a node's roll-up over a period, its exports and its yearly targets.

Out of scope is 404; the figures come from the roll-up store only (dashboards), the one
exception being the short lists of notable records and lapsing titles (dashboards/records_part.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import json_script
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from branches.access import access_for
from branches.models import Branch, Target
from core.catalogue import METRICS
from core.errors import OutOfScope
from core.periods import PeriodError, parse_period
from dashboards.cache import cached_part
from dashboards.cards import cards_html
from dashboards.charts import HEADLINE_TRENDS, chart_data
from dashboards.context import completeness, dashboard_period, period_choices, sort_columns, weigh
from dashboards.exports import csv_text, tables, workbook_bytes
from dashboards.forms import TargetForm
from dashboards.node_metrics import node_metrics, values_of
from dashboards.periods import AUTO_ID, PeriodPickerForm, picker_for, picker_html
from dashboards.pieces import children_data, write_rows
from dashboards.records_part import records_part
from dashboards.standing import LEVEL_LABELS, annotate
from dashboards.summary import Figure, build_summary, node_summary, previous_of, sort_children
from dashboards.table_html import metric_headings_html, totals_html
from metrics.selectors import totals

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TARGET_YEARS = (2000, 2100)  # as Target.year allows


def _node(request, code: str) -> Branch:
    """The node if it is in the user's scope; 404 otherwise (unknown and out of scope alike)."""
    branch = Branch.objects.for_user(request.user).filter(code=code).first()
    if branch is None:
        raise Http404(_("No such branch in your scope."))
    return branch


def _ancestors(request, branch: Branch) -> list[Branch]:
    """The breadcrumbs: the node's ancestors the user may open, root first."""
    ids = branch.ancestor_ids[:-1]
    if not ids:
        return []
    access = access_for(request.user)
    return [b for b in Branch.objects.filter(pk__in=ids).order_by("depth") if access.in_scope(b)]


def _dashboard_url(code: str, period_text: str | None = None, sort: str | None = None) -> str:
    url = reverse("dashboard:node", args=[code])
    query = {key: value for key, value in (("period", period_text), ("sort", sort)) if value}
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@require_GET
def dashboard_home(request):
    """The dashboard of the user's top node (the first, when they hold roles on several)."""
    access = access_for(request.user)
    top = access.roots[0] if access.roots else None
    if top is None and access.sees_everything:
        top = Branch.objects.filter(parent__isnull=True).order_by("path").first()
    if top is None:
        raise Http404(_("You have no role on any branch yet; ask the system administrator."))
    return redirect(_dashboard_url(top.code, request.GET.get("period")))


@login_required
@require_GET
def dashboard(request, code: str):
    branch = _node(request, code)
    access = access_for(request.user)
    period_text = request.GET.get("period", "")
    sort = request.GET.get("sort") or None
    if "shape" in request.GET:  # the period picker: back to the ?period=… address it stands for
        picker = PeriodPickerForm(request.GET, auto_id=AUTO_ID)
        if picker.is_valid():
            try:
                chosen = dashboard_period(picker.cleaned_data["period"].text)
            except PeriodError as e:
                picker.add_error("end", str(e))
            else:
                return redirect(_dashboard_url(branch.code, chosen.text, sort))
        context = {
            "branch": branch,
            "ancestors": _ancestors(request, branch),
            "picker": picker,
            "sort": sort,
            "period_error": _("Choose the period again: %(errors)s")
            % {"errors": " ".join(str(m) for messages_ in picker.errors.values() for m in messages_)},
        }
        return render(request, "dashboards/dashboard.html", context, status=400)
    context = {
        "branch": branch,
        "ancestors": _ancestors(request, branch),
        "other_roots": [r for r in access.roots if r.pk != branch.pk],
        "period_text": period_text,
        "can_set_targets": access.can_set_targets(branch),
    }
    try:
        period = dashboard_period(period_text)
    except PeriodError as e:
        context["period_error"] = str(e)
        context["picker"] = picker_for(None)
        return render(request, "dashboards/dashboard.html", context, status=400)
    context["period_text"] = period.text
    context["picker_html"] = picker_html(branch.code, period, sort)
    part = cached_part(branch, period, sort, lambda: _store_part(branch, period, sort), drop=("charts", "completeness"))
    records = records_part(request.user, branch, period)
    context.update(
        {
            "period": period,
            "sort": sort,
            "period_choices": period_choices(period),
            "store_part": part["html"],
            "charts_script": part["charts_script"],
            **{name: part[name] for name in ("charts", "completeness") if name in part},  # the tests read them
            "records_part": records,
            **records.get("built", {}),
            "export_query": urlencode({"period": period.text}),
        }
    )
    return render(request, "dashboards/dashboard.html", context)


def _store_part(branch: Branch, period, sort: str | None) -> dict:
    """The figures, charts, sub-branches and completeness: the same for every user who may open
    the node, so rendered once here and kept by dashboards.cache, each child's row kept on its own
    (dashboards.pieces) and the node's own data one metric at a time (dashboards.node_metrics):
    after a write only the metrics and the child rows it changed are read again."""
    today = timezone.localdate()
    children = list(Branch.objects.filter(parent=branch).order_by("path"))
    rows, (completeness_rows, completeness_html), kept = children_data(branch, children, period, today)
    previous = previous_of(period)
    data = node_metrics(branch, period, previous)
    summary = node_summary(branch, period, rows, values=values_of(data, previous))
    charts = chart_data(period, previous, data)
    completeness_data = completeness(completeness_rows, period)
    annotate(summary, completeness_data, today)
    summary.children = sort_children(summary.children, sort)
    weights = weigh(summary, HEADLINE_TRENDS)
    write_rows(summary.children, kept, weights["compact"])
    previous_label = str(summary.previous_period.label()) if summary.previous_period else None
    columns = sort_columns(period.text, sort, weights["order"], weights["compact"])
    context = {
        "branch": branch,
        "period": period,
        "summary": summary,
        "sort": sort,
        "columns": columns,
        "metric_headings": metric_headings_html(columns["metrics"]),
        "totals": totals_html(summary.figures, weights["compact"]),
        "weights": weights,
        "cards": {name: cards_html(weights[name], previous_label) for name in ("shown", "folded")},
        "levels": list(LEVEL_LABELS.items()),
        "charts": charts,
        "split_cells": [(split, data[split["metric"]].split_lists[split["dimension"]]) for split in charts["splits"]],
        "headline": [METRICS[key] for key in HEADLINE_TRENDS],
        "metrics": list(METRICS.values()),
        "completeness": completeness_data,
        "completeness_html": completeness_html,
        "code_label": Branch._meta.get_field("code").verbose_name,
        "name_label": Branch._meta.get_field("name").verbose_name,
    }
    html = render_to_string("dashboards/_store_part.html", context)
    return {
        "html": html,
        "charts_script": json_script(charts, "dashboard-data"),
        "charts": charts,
        "completeness": context["completeness"],
    }


def _export_summary(request, code: str):
    branch = _node(request, code)
    period = dashboard_period(request.GET.get("period", ""))
    return build_summary(branch, period)


def _filename(summary, extension: str) -> str:
    return f"dashboard-{summary.branch.code}-{summary.period.text.replace('..', '_')}.{extension}"


@login_required
@require_GET
def export_xlsx(request, code: str):
    try:
        summary = _export_summary(request, code)
    except PeriodError as e:
        return HttpResponseBadRequest(str(e), content_type="text/plain; charset=utf-8")
    response = HttpResponse(workbook_bytes(summary), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(summary, "xlsx")}"'
    return response


@login_required
@require_GET
def export_csv(request, code: str):
    """One table per file: ?table=metrics (the default) or ?table=children."""
    try:
        summary = _export_summary(request, code)
    except PeriodError as e:
        return HttpResponseBadRequest(str(e), content_type="text/plain; charset=utf-8")
    name = request.GET.get("table", "metrics")
    available = tables(summary)
    if name not in available:
        return HttpResponseBadRequest(
            _("Unknown table %(table)s: use metrics or children.") % {"table": name},
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(csv_text(available[name]).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(summary, name + ".csv")}"'
    return response


def _target_year(request) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year
    try:
        year = int(raw)
    except ValueError:
        year = None
    if year is None or not (TARGET_YEARS[0] <= year <= TARGET_YEARS[1]):
        raise ValidationError(
            _("Unknown year %(year)s: give a year between %(first)s and %(last)s.")
            % {"year": raw[:20], "first": TARGET_YEARS[0], "last": TARGET_YEARS[1]}
        )
    return year


@login_required
@require_http_methods(["GET", "POST"])
def targets(request, code: str):
    """The node's yearly targets, one per catalogue metric, saved through target_set / target_delete."""
    branch = _node(request, code)
    if not access_for(request.user).can_set_targets(branch):
        raise PermissionDenied(_("Your role does not allow setting targets at %(branch)s.") % {"branch": branch})
    context = {"branch": branch, "ancestors": _ancestors(request, branch)}
    try:
        year = _target_year(request)
    except ValidationError as e:
        context["year_error"] = e.messages[0]
        return render(request, "dashboards/targets.html", context, status=400)
    current = {t.metric: t for t in Target.objects.filter(branch=branch, year=year).select_related("set_by")}
    form = TargetForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = form.save(user=request.user, branch=branch, year=year)
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except OutOfScope:
            raise Http404() from None
        else:
            messages.success(
                request,
                _("%(count)s targets of %(branch)s for %(year)s saved.")
                % {"count": changed, "branch": branch, "year": year},
            )
            return redirect(_dashboard_url(branch.code, str(year)))
    year_period = parse_period(str(year))
    values = totals(branch, year_period)
    context.update(
        {
            "year": year,
            "year_label": year_period.label(),
            "years": [year - 1, year, year + 1],
            "rows": [
                {
                    "field": form[key],
                    "metric": metric,
                    "value": values[key],
                    "target": current.get(key),
                    "progress": Figure(
                        metric, values[key], target=current[key].value if key in current else None
                    ).progress,
                }
                for key, metric in METRICS.items()
            ],
            "form": form,
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "dashboards/targets.html", context, status=status)
