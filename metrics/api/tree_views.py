"""API endpoints of the branch tree (read-only), honours and yearly targets."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from branches.access import open_to_metrics_clients
from branches.models import Branch, Target
from branches.services import target_delete, target_set
from metrics.api import tree_serializers as serializers
from metrics.api.tree_filters import BranchFilterSet, TargetFilterSet
from records.api.idempotency import run_once


@open_to_metrics_clients
class BranchViewSet(viewsets.ReadOnlyModelViewSet):
    """The nodes of the branch tree in your scope, by code."""

    serializer_class = serializers.BranchSerializer
    filterset_class = BranchFilterSet
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ("path", "code", "name")
    ordering = ("path",)

    def get_queryset(self):
        return Branch.objects.for_user(getattr(self.request, "user", None)).select_related("parent")


@open_to_metrics_clients
class TargetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Yearly targets per branch and metric. POST sets one (creating or changing it)."""

    serializer_class = serializers.TargetSerializer
    filterset_class = TargetFilterSet
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    ordering_fields = ("year", "metric", "value")
    ordering = ("-year", "branch__path", "metric")
    idempotent_actions = ("create",)
    error_statuses = {"create": (422,)}

    def get_queryset(self):
        return Target.objects.for_user(getattr(self.request, "user", None)).select_related("branch", "set_by")

    def _respond(self, target, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data, status=code)

    @extend_schema(responses={200: serializers.TargetSerializer, 201: serializers.TargetSerializer})
    def create(self, request, *args, **kwargs):
        return run_once(request, lambda: self._create(request))

    def _create(self, request):
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = given.validated_data
        with transaction.atomic():
            existed = Target.objects.filter(
                branch=fields["branch"], year=fields["year"], metric=fields["metric"]
            ).exists()
            target = target_set(user=request.user, **fields)
        return self._respond(target, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=serializers.TargetValueSerializer, responses=serializers.TargetSerializer)
    def update(self, request, *args, **kwargs):
        target = self.get_object()
        given = serializers.TargetValueSerializer(target, data=request.data, partial=kwargs.get("partial", False))
        given.is_valid(raise_exception=True)
        value = given.validated_data.get("value", target.value)
        changed = target_set(
            user=request.user, branch=target.branch, year=target.year, metric=target.metric, value=value
        )
        return self._respond(changed)

    @extend_schema(request=serializers.TargetValueSerializer, responses=serializers.TargetSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance):
        target_delete(instance, user=self.request.user)
