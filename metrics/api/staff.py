"""GET /api/v1/staff/: the staff members in the caller's scope, as the ids a home visit's `staff`
takes. Minimal fields (id, name, branch code): no user account, birth year or party membership."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from branches.models import Staff
from metrics.api.tree_filters import SubtreeFilterSet


class StaffMemberSerializer(serializers.ModelSerializer):
    branch = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The branch's code.")

    class Meta:
        model = Staff
        fields = ("id", "name", "branch", "is_active")
        read_only_fields = fields


class StaffFilterSet(SubtreeFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Staff
        fields = ["branch", "is_active", "name"]


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    """Staff members in your scope (their branch and everything below it), by branch and name."""

    serializer_class = StaffMemberSerializer
    filterset_class = StaffFilterSet
    lookup_value_regex = "[0-9]+"
    ordering_fields = ("name", "id")
    ordering = ("branch__path", "name", "id")

    def get_queryset(self):
        return Staff.objects.for_user(getattr(self.request, "user", None)).select_related("branch")
