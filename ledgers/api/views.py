"""The ledger API: import a ledger file (a dry run, or a commit of all rows or none) and export
a filtered list in the ledger's columns."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from ledgers import jobs, slots
from ledgers.api.serializers import ImportJobSerializer, ImportRefusalSerializer, UploadSerializer
from ledgers.export_builds import inline_max_rows
from ledgers.files import max_upload_bytes
from ledgers.models import ImportJob
from ledgers.specs import spec_for
from ledgers.uploads import ledger_request_limit, limit_uploads
from ledgers.views import XLSX, can_record_somewhere, export_response
from records.api.formats import ControlCheckedFormParser, ControlCheckedMultiPartParser
from records.api.permissions import ReadOnlyForMetricsClients

TRUE = {"1", "true", "yes", "on"}


def api_wait() -> float:
    """Seconds an import without ?background=1 waits for its worker: below gunicorn's timeout."""
    return float(getattr(settings, "LEDGER_API_WAIT", 20))


FILE_ERRORS = inline_serializer("FileErrors", {"file": serializers.ListField(child=serializers.CharField())})
DETAIL = inline_serializer("Busy", {"detail": serializers.CharField()})


def job_data(request, job: ImportJob) -> dict:
    return dict(ImportJobSerializer(job, context={"request": request}).data)


def flag(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.BOOL, OpenApiParameter.QUERY, description=description)


class LedgerImportView(APIView):
    """POST a multipart `file` (.xlsx, .xls, .ods or .csv: the kind's template or a hand-made ledger). `?dry_run=1` (the default) only
    checks and lists every problem; `?dry_run=0` writes all rows or none (201 when written,
    400 with the problems otherwise). `?allow_duplicates=1` imports rows that only look like
    duplicates; `?background=1` answers 202 at once with a status URL to poll. The import always
    runs on a background worker: without `?background=1` the request waits for its answer up to
    LEDGER_API_WAIT seconds (20), and a longer import answers 202 with the status URL too."""

    parser_classes = [ControlCheckedMultiPartParser, ControlCheckedFormParser]
    request_body_limit = staticmethod(ledger_request_limit)
    permission_classes = [IsAuthenticated, ReadOnlyForMetricsClients]

    def initial(self, request, *args, **kwargs):
        # Before authentication reads the body (session CSRF check): limit the upload's size.
        limit_uploads(request._request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        tags=["ledgers"],
        request={"multipart/form-data": UploadSerializer},
        parameters=[
            flag("dry_run", "1 (the default): only check and list every problem; 0: write all rows or none."),
            flag("allow_duplicates", "1: import rows that only look like duplicates of others."),
            flag(
                "background",
                "1: answer 202 at once; poll status_url. Without it the answer waits for the import up to"
                " 20 seconds (LEDGER_API_WAIT), then is 202 with status_url as well.",
            ),
        ],
        responses={
            200: ImportJobSerializer,
            201: ImportJobSerializer,
            202: ImportJobSerializer,
            400: OpenApiResponse(
                ImportRefusalSerializer, description="The file is refused ({file: [message]}) or rows have problems."
            ),
            413: OpenApiResponse(FILE_ERRORS, description="The file is larger than the limit."),
            429: OpenApiResponse(
                DETAIL, description="Too many imports running (yours or the portal's); see Retry-After."
            ),
        },
    )
    def post(self, request, slug):
        spec = spec_for(slug)
        if spec is None:
            raise Http404()
        if not can_record_somewhere(request.user):
            return Response(
                {"detail": _("Your role does not allow recording, so you cannot import ledgers.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        upload = request.FILES.get("file")
        if getattr(request._request, "ledger_upload_too_large", False):
            message = _("The file is larger than %(mb)s MB. Split the ledger into several files.") % {
                "mb": max_upload_bytes() // (1024 * 1024)
            }
            return Response({"file": [message]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        if upload is None:
            return Response({"file": [_("Attach the ledger as the multipart field “file”.")]}, status=400)
        dry_run = request.query_params.get("dry_run", "1").lower() in TRUE
        try:
            job = jobs.create_job(user=request.user, kind=spec.slug, uploaded=upload)
        except slots.ImportsBusy as busy:
            headers = {"Retry-After": str(busy.retry_after)}
            return Response({"detail": str(busy)}, status=status.HTTP_429_TOO_MANY_REQUESTS, headers=headers)
        job.allow_duplicates = request.query_params.get("allow_duplicates", "").lower() in TRUE
        job.save(update_fields=["allow_duplicates"])
        background = request.query_params.get("background", "").lower() in TRUE
        # Always run by a Celery worker (LEDGER_IMPORT_INLINE: here, for tests and scripts). Without
        # ?background=1 the request waits up to LEDGER_API_WAIT seconds for the answer, which is
        # then the same as ever; a longer import answers 202 with its status URL, as ?background=1.
        jobs.start(job, commit=not dry_run)
        if not background:
            job = jobs.wait(job, api_wait())
        if background or job.is_running:
            return Response(job_data(request, job), status=status.HTTP_202_ACCEPTED)
        data = job_data(request, job)
        if job.file_error:
            return Response({"file": [job.file_error], **data}, status=400)
        if not dry_run and job.state != ImportJob.State.COMMITTED:
            data["detail"] = _("%(n)s problems; nothing was written.") % {"n": job.problem_count}
            return Response(data, status=400)
        return Response(data, status=status.HTTP_201_CREATED if not dry_run else status.HTTP_200_OK)


class LedgerJobView(APIView):
    """The state of an import started with `?background=1`."""

    @extend_schema(tags=["ledgers"], responses={200: ImportJobSerializer})
    def get(self, request, token):
        job = jobs.mark_if_stalled(get_object_or_404(ImportJob, token=token, user=request.user))
        data = job_data(request, job)
        if job.is_running:
            data.update(jobs.live(job))
        return Response(data)


def refuse_large_export(request, spec, fmt, node, params):
    """Beyond EXPORT_INLINE_MAX_ROWS rows the API does not export: a request must not run
    until a worker's timeout. The portal's export link prepares such a file in the background."""
    raise ValidationError(
        {
            api_settings.NON_FIELD_ERRORS_KEY: [
                _(
                    "More than %(n)s records match: narrow the filters (branch, dates) and export in parts, "
                    "or export from the list page in the portal, which prepares larger files in the background."
                )
                % {"n": f"{inline_max_rows():,}"}
            ]
        }
    )


class LedgerExportView(APIView):
    """The kind's records in the ledger's columns, filtered like the list endpoint."""

    fmt = "xlsx"

    def perform_content_negotiation(self, request, force=False):
        # The file is the answer whatever the Accept header says; errors are JSON.
        return JSONRenderer(), JSONRenderer.media_type

    def export(self, request, slug):
        spec = spec_for(slug)
        if spec is None:
            raise Http404()
        response, errors = export_response(
            request._request, spec, self.fmt, request.query_params, too_large=refuse_large_export
        )
        if response is None:
            raise ValidationError(errors)
        accept = request.headers.get("Accept", "")
        if self.fmt == "xlsx" and "application/octet-stream" in accept and XLSX not in accept:
            response["Content-Type"] = "application/octet-stream"  # the same bytes, as a generic file
        return response


FILTERS = (
    "Query parameters are the filters of the kind's list endpoint: those every kind has are listed here; "
    "a kind's own (such as customer_group for home-visits) are listed on /api/v1/{slug}/."
)
COMMON_FILTERS = [
    OpenApiParameter(
        "branch", str, OpenApiParameter.QUERY, description="A branch code in your scope (any case): its subtree."
    ),
    OpenApiParameter("date_from", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="occurred_on on or after."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="occurred_on on or before."),
]
BAD_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A filter is not valid: {filter: [messages]}; or more than EXPORT_INLINE_MAX_ROWS records "
    "(20,000 by default) match: {non_field_errors: [message]} (narrow the filters and export in parts).",
)


class LedgerExportXlsxView(LedgerExportView):
    @extend_schema(
        tags=["ledgers"],
        description=FILTERS,
        parameters=COMMON_FILTERS,
        responses={(200, XLSX): OpenApiTypes.BINARY, 400: BAD_FILTER},
    )
    def get(self, request, slug):
        return self.export(request, slug)


class LedgerExportCsvView(LedgerExportView):
    fmt = "csv"

    @extend_schema(
        tags=["ledgers"],
        description=FILTERS,
        parameters=COMMON_FILTERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: BAD_FILTER},
    )
    def get(self, request, slug):
        return self.export(request, slug)
