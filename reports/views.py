"""Pages of the highlights report: read (every figure a link), edit, export to .docx and PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from branches.access import access_for
from branches.models import Branch
from core.periods import PeriodError
from dashboards.context import dashboard_period
from reports.documents import docx_bytes, pdf_bytes
from reports.evidence import schemes
from reports.fonts import PdfFontMissing
from reports.highlights import build_report
from reports.services import draft_discard, draft_for, draft_save
from reports.text import to_editable

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def node_in_scope(request, code: str) -> Branch:
    """The node if it is in the user's scope; 404 otherwise (unknown and out of scope alike)."""
    branch = Branch.objects.for_user(request.user).filter(code=code).first() if len(code) <= 32 else None
    if branch is None:
        raise Http404(_("No such branch in your scope."))
    return branch


def _report(request, code: str):
    """(report with the user's draft applied, None) or (None, error page)."""
    node = node_in_scope(request, code)
    try:
        period = dashboard_period(request.GET.get("period", ""))
    except PeriodError as e:
        page = render(request, "reports/period_error.html", {"branch": node, "error": str(e)}, status=400)
        return None, page
    report = build_report(request.user, node, period)
    report.apply(draft_for(request.user, report))
    return report, None


def _url(name: str, report) -> str:
    return reverse(name, args=[report.node.code]) + "?" + urlencode({"period": report.period.text})


@login_required
@require_GET
def index(request):
    access = access_for(request.user)
    nodes = list(access.roots)
    if not nodes and access.sees_everything:
        nodes = list(Branch.objects.filter(parent__isnull=True).order_by("path"))
    code = request.GET.get("branch") or (nodes[0].code if nodes else "")
    if request.GET.get("branch"):
        node_in_scope(request, code)
        return redirect(
            reverse("reports:highlights", args=[code]) + "?" + urlencode({"period": request.GET.get("period", "")})
        )
    return render(request, "reports/index.html", {"nodes": nodes, "schemes": schemes()})


@login_required
@require_GET
def highlights(request, code: str):
    report, error = _report(request, code)
    if error:
        return error
    context = {
        "report": report,
        "branch": report.node,
        "edit_url": _url("reports:highlights-edit", report),
        "docx_url": _url("reports:highlights-docx", report),
        "pdf_url": _url("reports:highlights-pdf", report),
    }
    return render(request, "reports/highlights.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def highlights_edit(request, code: str):
    report, error = _report(request, code)
    if error:
        return error
    errors = {}
    texts = {s.key: to_editable(s.stored, report.book.resolve) for s in report.sections}
    if request.method == "POST":
        if "discard" in request.POST:
            draft_discard(user=request.user, report=report)
            messages.success(request, _("The generated text is back; your edits were discarded."))
            return redirect(_url("reports:highlights", report))
        posted = {s.key: request.POST.get(f"section-{s.key}") for s in report.sections}
        texts.update({k: v for k, v in posted.items() if v is not None})
        try:
            draft_save(user=request.user, report=report, texts=posted)
        except ValidationError as e:
            errors = e.message_dict
        else:
            messages.success(request, _("Your text of the report is saved."))
            return redirect(_url("reports:highlights", report))
    context = {
        "report": report,
        "branch": report.node,
        "sections": [{"section": s, "text": texts[s.key], "errors": errors.get(s.key, [])} for s in report.sections],
        "view_url": _url("reports:highlights", report),
        "has_errors": bool(errors),
    }
    return render(request, "reports/highlights_edit.html", context, status=400 if errors else 200)


def _download(report, data: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    name = f"highlights-{report.node.code}-{report.period.text.replace('..', '_')}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def highlights_docx(request, code: str):
    report, error = _report(request, code)
    if error:
        return error
    return _download(report, docx_bytes(report), DOCX, "docx")


@login_required
@require_GET
def highlights_pdf(request, code: str):
    report, error = _report(request, code)
    if error:
        return error
    try:
        data = pdf_bytes(report)
    except PdfFontMissing as missing:
        return render(request, "reports/period_error.html", {"branch": report.node, "error": str(missing)}, status=503)
    return _download(report, data, "application/pdf", "pdf")
