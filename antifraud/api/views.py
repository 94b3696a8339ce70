"""API endpoints of anti-fraud interventions (with the case workflow) and awareness sessions."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from antifraud.api import serializers
from antifraud.services import intervention_transition
from records.api.etags import expected_version
from records.api.records import RecordViewSet


class InterventionViewSet(RecordViewSet):
    kind_slug = "interventions"
    serializer_class = serializers.InterventionSerializer
    if_match_actions = (*RecordViewSet.if_match_actions, "transition")
    etag_actions = (*RecordViewSet.etag_actions, "transition")
    error_statuses = {**RecordViewSet.error_statuses, "transition": (409, 412)}

    @extend_schema(request=serializers.InterventionTransitionSerializer, responses=serializers.InterventionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the case to its next status (the workflow's only way to change it)."""
        case = self.get_object()
        expected = expected_version(request, case)
        step = serializers.InterventionTransitionSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        moved = intervention_transition(case, user=request.user, expected_version=expected, **step.validated_data)
        return self.respond(moved)


class AwarenessSessionViewSet(RecordViewSet):
    kind_slug = "awareness-sessions"
    serializer_class = serializers.AwarenessSessionSerializer
