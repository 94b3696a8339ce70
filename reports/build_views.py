"""Report documents built in the background: start one, follow it (htmx polls), download it.

The old direct links (the highlights report's .docx/.pdf, an evidence pack's .zip) still answer
the file at once for a node of at most REPORT_INLINE_MAX_BRANCHES branches (an outlet, a
sub-branch); a larger node's document is never built in a web process: the link answers a page
that prepares it in the background (its build, when one is already running, or the latest one
ready for the same parameters) — prepare() below."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from background.models import DocumentBuild
from branches.models import Branch
from core.periods import PeriodError
from dashboards.context import dashboard_period
from reports import builds
from reports.evidence_views import pack_year
from reports.models import EvaluationScheme
from reports.views import node_in_scope

K = DocumentBuild.Kind


def too_large(node: Branch) -> bool:
    """More branches in the node's subtree than REPORT_INLINE_MAX_BRANCHES (one query)."""
    limit = getattr(settings, "REPORT_INLINE_MAX_BRANCHES", 50)
    return Branch.objects.filter(path__startswith=node.path)[: limit + 1].count() > limit


def prepare(request, *, kind: str, node: Branch, params: dict):
    """A direct link to a large node's document: its running build (a redirect to the page
    that follows it), or a page offering to prepare it, with the latest one ready if any."""
    running, ready = builds.same(request.user, kind, node, params)
    if running is not None:
        return redirect("reports:build", token=running.token)
    context = {"kind": kind, "kind_label": K(kind).label, "branch": node, "params": params, "ready": ready}
    return render(request, "reports/build_prepare.html", context)


def _params(request, kind: str) -> dict:
    """The build's parameters from the form, checked as the download pages check them."""
    if kind == K.EVIDENCE_ZIP:
        scheme = (request.POST.get("scheme") or "")[:50]
        if not EvaluationScheme.objects.filter(code=scheme).exists():
            raise ValidationError(_("No such evaluation scheme."))
        year = pack_year(request.POST.get("year", ""), request.POST.get("period", ""))
        return {"scheme": scheme, "year": year}
    try:
        period = dashboard_period(request.POST.get("period", ""))
    except PeriodError as e:
        raise ValidationError(str(e)) from e
    return {"period": period.text}


@login_required
@require_POST
def build_new(request):
    kind = request.POST.get("kind", "")
    if kind not in K.values or kind in builds.LEDGER_EXPORTS:  # exports start from the ledger pages
        return render(request, "reports/build_refused.html", {"error": _("Choose a document to build.")}, status=400)
    node = node_in_scope(request, request.POST.get("code", ""))
    try:
        params = _params(request, kind)
        build = builds.start(
            user=request.user,
            kind=kind,
            branch=node,
            params=params,
        )
    except ValidationError as e:
        return render(request, "reports/build_refused.html", {"error": e.messages[0], "branch": node}, status=400)
    except builds.BuildsBusy as busy:
        response = render(request, "reports/build_refused.html", {"error": str(busy), "branch": node}, status=429)
        response["Retry-After"] = str(busy.retry_after)
        return response
    return redirect("reports:build", token=build.token)


def _mine(request, token: str) -> DocumentBuild:
    build = get_object_or_404(DocumentBuild.objects.select_related("branch"), token=token, user=request.user)
    return builds.mark_if_stalled(build)


@login_required
@require_safe
def build_page(request, token: str):
    return render(request, "reports/build.html", {"build": _mine(request, token)})


@login_required
@require_safe
def build_status(request, token: str):
    return render(request, "reports/_build.html", {"build": _mine(request, token)})


@login_required
@require_safe
def build_file(request, token: str):
    build = _mine(request, token)
    path = builds.file_of(build)
    if build.state != DocumentBuild.State.DONE or not path.exists():
        raise Http404(_("The document is not ready, or no longer kept: build it again."))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=build.file_name,
        content_type=builds.CONTENT_TYPES[build.kind],
    )
