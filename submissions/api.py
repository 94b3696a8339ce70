"""API of the monthly submissions: the months' status, and the submit / approve / return /
reopen workflow (submissions/services.py)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.access import open_to_metrics_clients
from metrics.api import serializers
from metrics.api.filters import SubmissionFilterSet
from metrics.models import Submission
from records.api.etags import check_if_match, etag
from records.api.idempotency import run_once
from submissions.services import submission_approve, submission_reopen, submission_return, submission_submit

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
