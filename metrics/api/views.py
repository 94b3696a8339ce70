"""API endpoints of monthly submissions (submit, nil return, approve, return, reopen) and of
the metrics query, which answers from the roll-up store only."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from branches.access import open_to_metrics_clients
from branches.models import Branch
from metrics import selectors
from metrics.api import serializers
from metrics.api.filters import SubmissionFilterSet
from metrics.catalogue import METRICS
from metrics.models import Submission
from metrics.submissions import submission_approve, submission_reopen, submission_return, submission_submit
from portal.api.etags import check_if_match, etag
from portal.api.formats import CSVRenderer
from portal.api.idempotency import run_once

DECISIONS = ("submit", "nil_return", "approve", "return_", "reopen")


@open_to_metrics_clients  # the months' status; writes stay refused
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly submissions in your scope; POST submits a month (or files a nil return)."""

    serializer_class = serializers.SubmissionSerializer
    filterset_class = SubmissionFilterSet
    lookup_value_regex = "[0-9]+"
    ordering_fields = ("month", "submitted_at", "decided_at", "status")
    ordering = ("-month", "branch__path")
    idempotent_actions = ("create",)
    if_match_actions = DECISIONS
    etag_actions = ("retrieve", "create", *DECISIONS)
    error_statuses = {"create": (422,), **dict.fromkeys(DECISIONS, (400, 412))}

    def get_queryset(self):
        return Submission.objects.for_user(getattr(self.request, "user", None)).select_related(
            "branch", "submitted_by", "decided_by"
        )

    def _respond(self, submission, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=submission.pk)
        return Response(self.get_serializer(fresh).data, status=code, headers={"ETag": etag(fresh)})

    def retrieve(self, request, *args, **kwargs):
        submission = self.get_object()
        return Response(self.get_serializer(submission).data, headers={"ETag": etag(submission)})

    @extend_schema(request=serializers.SubmitSerializer, responses={201: serializers.SubmissionSerializer})
    def create(self, request, *args, **kwargs):
        return run_once(request, lambda: self._create(request))

    def _create(self, request):
        given = serializers.SubmitSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        submission = submission_submit(user=request.user, **given.validated_data)
        return self._respond(submission, status.HTTP_201_CREATED)

    def _decide(self, request, decide, given_class=None):
        """Run a decision on the submission, locked, after checking If-Match against it."""
        arguments = {}
        if given_class is not None:
            given = given_class(data=request.data)
            given.is_valid(raise_exception=True)
            arguments = given.validated_data
        with transaction.atomic():
            submission = Submission.objects.select_for_update().select_related("branch").get(pk=self.get_object().pk)
            check_if_match(request, submission)
            decided = decide(submission, **arguments)
        return self._respond(decided)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the month again (after it was returned or reopened)."""
        return self._decide(
            request,
            lambda s, note: submission_submit(user=request.user, branch=s.branch, month=s.month, note=note),
            serializers.NoteSerializer,
        )

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="nil-return", url_name="nil-return")
    def nil_return(self, request, pk=None):
        """File the month again as a nil return: nothing to report."""
        return self._decide(
            request,
            lambda s, note: submission_submit(
                user=request.user, branch=s.branch, month=s.month, nil_return=True, note=note
            ),
            serializers.NoteSerializer,
        )

    @extend_schema(request=None, responses=serializers.SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the month: its records are locked until an approver reopens it."""
        return self._decide(request, lambda s: submission_approve(s, user=request.user))

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return the month to the branch, saying why."""
        return self._decide(
            request,
            lambda s, reason: submission_return(s, user=request.user, reason=reason),
            serializers.ReasonSerializer,
        )

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen an approved month so that its records can be corrected (audited with the reason)."""
        return self._decide(
            request,
            lambda s, reason: submission_reopen(s, user=request.user, reason=reason),
            serializers.ReasonSerializer,
        )


@open_to_metrics_clients
class MetricsView(APIView):
    """Values of the metric catalogue for a node's subtree, like DHIS2's analytics API.

    Rows of node, period, metric, split and value, read from the roll-up store with a constant
    number of queries: `by=children` gives one row per child node, `by=month` one per month,
    `by=split` one per split value (e.g. `customer_group:elderly`).
    """

    renderer_classes = (JSONRenderer, CSVRenderer)
    error_statuses = {"get": (400,)}

    @extend_schema(parameters=[serializers.MetricsQuerySerializer], responses=serializers.MetricsAnswerSerializer)
    def get(self, request):
        question = serializers.MetricsQuerySerializer(data=request.query_params, context={"request": request})
        question.is_valid(raise_exception=True)
        asked = question.validated_data
        branch, period, by = asked["branch"], asked["period"], asked["by"]
        nodes = list(Branch.objects.filter(parent=branch).order_by("path")) if "children" in by else [branch]
        codes = {node.pk: node.code for node in nodes}
        found = selectors.query(
            branch_ids=list(codes),
            period=period,
            metrics=asked["metric"],
            by=("month",) if "month" in by else (),
            splits="*" if "split" in by else None,
        )
        rows = [
            {
                "node": codes[row.branch_id],
                "period": row.month.strftime("%Y-%m") if row.month else period.text,
                "metric": row.metric,
                "split": row.split or None,
                "value": row.value,
                "unit": METRICS[row.metric].unit,
            }
            for row in found
        ]
        answer = {
            "branch": branch.code,
            "period": period.text,
            "metrics": asked["metric"],
            "by": [b for b in serializers.BREAKDOWNS if b in by],
            "rows": rows,
        }
        return Response(serializers.MetricsAnswerSerializer(answer).data)
