"""Ledger pages: templates to download, exports of filtered lists, and the import flow
(upload → dry-run report → commit → result), the runs polled for progress by htmx."""

import os

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError
from django.http import FileResponse, Http404, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from branches.access import access_for
from branches.models import Staff
from ledgers import export_builds, jobs, slots
from ledgers.exporting import ExportRows, csv_chunks, export_queryset, row_limit_passed
from ledgers.files import max_upload_bytes
from ledgers.lookups import Lookups
from ledgers.models import ImportJob
from ledgers.specs import all_specs, spec_for
from ledgers.uploads import ledger_request_limit, limit_uploads
from ledgers.workbooks import export_file, template_file
from reports.builds import BuildsBusy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED_FILES = ",".join(
    [".xlsx", ".xls", ".ods", ".csv", ".txt", XLSX, "application/vnd.ms-excel", "text/csv"]
    + ["application/vnd.oasis.opendocument.spreadsheet"]
)


def spec_or_404(slug):
    spec = spec_for(slug)
    if spec is None:
        raise Http404()
    return spec


def can_record_somewhere(user) -> bool:
    access = access_for(user)
    return access.sees_everything or any(access.can_write_records(m.branch) for m in access.memberships)


def xlsx_response(path: str, filename: str) -> FileResponse:
    handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(path)  # the open handle keeps the data until the response is sent
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@login_required
@require_safe
def index(request):
    jobs.sweep()
    return render(
        request,
        "ledgers/index.html",
        {
            "specs": all_specs(),
            "can_import": can_record_somewhere(request.user),
            "recent": ImportJob.objects.filter(user=request.user)[:10],
        },
    )


def template_for(user, spec) -> str:
    lookups = Lookups(user)
    codes = lookups.writable_codes()
    access = access_for(user)
    home = access.home_branch
    example = home.code if home is not None and home.code in codes else (codes[0] if codes else "WH-QK-01")
    if spec.slug == "love-station-tallies":
        station = lookups.writable().filter(love_station_since__isnull=False).values_list("code", flat=True).first()
        example = station or example
    names = []
    if spec.m2m and codes:
        # The example branch's staff only: a head office's scope holds tens of thousands.
        staff = Staff.objects.for_user(user).filter(branch__code=example)
        names = sorted(set(staff.values_list("name", flat=True)))
    return template_file(spec, codes, example, names)


@login_required
@require_safe
def template(request, slug):
    spec = spec_or_404(slug)
    return xlsx_response(template_for(request.user, spec), f"{spec.slug}-template.xlsx")


def export_response(request, spec, fmt: str, params=None, *, too_large=export_builds.offer):
    """The filtered list as XLSX or CSV; None with errors when a filter is not valid. Beyond
    EXPORT_INLINE_MAX_ROWS rows, what `too_large(request, spec, fmt, node, params)` answers
    (the page offering a background export; the API refuses)."""
    params = params if params is not None else request.GET
    queryset, title, node, errors = export_queryset(spec, request, params)
    if errors is not None:
        return None, errors
    if row_limit_passed(queryset, export_builds.inline_max_rows()):
        return too_large(request, spec, fmt, node, params), None
    rows = ExportRows(request.user, spec, queryset)
    name = export_name(spec, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(spec, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response, None
    return xlsx_response(export_file(spec, Lookups(request.user).writable_codes(), rows, title), name), None


def export_name(spec, fmt: str) -> str:
    return f"{spec.slug}-{stamp()}.{fmt}"


@login_required
@require_safe
def export(request, slug, fmt):
    spec = spec_or_404(slug)
    response, errors = export_response(request, spec, fmt)
    if response is None:
        return render(request, "ledgers/export_refused.html", {"spec": spec, "errors": errors}, status=400)
    return response


@login_required
@require_POST
def export_build(request, slug):
    """Start the background export of a large list (the form of export_prepare.html)."""
    spec = spec_or_404(slug)
    fmt = request.POST.get("format", "")
    if fmt not in export_builds.KINDS:
        errors = {_("format"): [_("Choose Excel or CSV.")]}
        return render(request, "ledgers/export_refused.html", {"spec": spec, "errors": errors}, status=400)
    _queryset, _title, node, errors = export_queryset(spec, request, request.POST)
    if errors is not None:
        return render(request, "ledgers/export_refused.html", {"spec": spec, "errors": errors}, status=400)
    try:
        return export_builds.start(request, spec, fmt, node, request.POST, export_name(spec, fmt))
    except BuildsBusy as busy:
        context = {"spec": spec, "message": str(busy)}
        response = render(request, "ledgers/export_refused.html", context, status=429)
        response["Retry-After"] = str(busy.retry_after)
        return response


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Record kind"))
    file = forms.FileField(
        label=gettext_lazy("Ledger file (.xlsx, .xls, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["kind"].choices = [(s.slug, s.kind.label_plural) for s in all_specs()]
        self.fields["file"].widget.attrs["data-max-bytes"] = str(max_upload_bytes())
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def clean(self):
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", _too_large_message())
        return super().clean()


def _too_large_message() -> str:
    return _("The file is larger than %(mb)s MB. Split the ledger into several files.") % {
        "mb": max_upload_bytes() // (1024 * 1024)
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def upload(request):
    """The size limit is installed before anything reads the body, then CSRF is checked."""
    if request.method == "POST":
        limit_uploads(request)
    return csrf_protect(_upload)(request)


upload.request_body_limit = ledger_request_limit


@login_required
def _upload(request):
    if not can_record_somewhere(request.user):
        reason = _("Your role does not allow recording, so you cannot import ledgers.")
        return render(request, "ledgers/refused.html", {"reason": reason}, status=403)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, too_large=request.ledger_upload_too_large)
        if form.is_valid():
            try:
                job = jobs.create_job(
                    user=request.user, kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"]
                )
            except slots.ImportsBusy as busy:
                form.add_error(None, str(busy))
                response = render(request, "ledgers/upload.html", {"form": form}, status=429)
                response["Retry-After"] = str(busy.retry_after)
                return response
            jobs.start(job, commit=False)
            return redirect("ledgers:job", token=job.token)
    else:
        form = UploadForm(initial={"kind": request.GET.get("kind")})
    return render(request, "ledgers/upload.html", {"form": form}, status=400 if form.errors else 200)


def job_or_404(request, token) -> ImportJob:
    return jobs.mark_if_stalled(get_object_or_404(ImportJob, token=token, user=request.user))


def job_context(job: ImportJob) -> dict:
    spec = spec_for(job.kind)
    only_duplicates = job.problem_count > 0 and job.problem_count == job.duplicate_count and not spec.strict_duplicates
    return {
        "job": job,
        "spec": spec,
        "progress": jobs.live(job) if job.is_running else None,
        "can_commit": job.state == ImportJob.State.CHECKED
        and not job.file_error
        and job.good_rows + (job.duplicate_count if only_duplicates else 0) > 0
        and (job.problem_count == 0 or only_duplicates),
        "only_duplicates": only_duplicates,
        "list_url": spec.kind.url("list"),
    }


@login_required
@require_safe
def job_page(request, token):
    job = job_or_404(request, token)
    return render(request, "ledgers/job.html", job_context(job))


def job_status(request, token):
    """The htmx poll. On SQLite a commit's write transaction makes other connections wait: a
    poll that times out answers "still running" rather than an error."""
    try:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        job = job_or_404(request, token)
        return render(request, "ledgers/_job.html", job_context(job))
    except OperationalError:
        return render(request, "ledgers/_busy.html", {"token": token})


@login_required
@require_POST
def commit(request, token):
    job = job_or_404(request, token)
    context = job_context(job)
    allow = request.POST.get("allow_duplicates") == "1"
    if not context["can_commit"] or (context["only_duplicates"] and not allow):
        return redirect("ledgers:job", token=job.token)
    try:
        claimed = jobs.claim(job, allow_duplicates=allow)
    except slots.ImportsBusy as busy:
        messages.error(request, str(busy))  # the job stays checked: committing later works
        return redirect("ledgers:job", token=job.token)
    if claimed:
        jobs.start(job, commit=True)
    return redirect("ledgers:job", token=job.token)
