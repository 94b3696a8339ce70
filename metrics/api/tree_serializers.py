"""API fields of the branch tree, honours and targets."""

from rest_framework import serializers

from branches.access import access_for
from branches.models import Branch, Target
from core.catalogue import METRICS
from records.api.records import BranchCodeField, RefuseMassAssignment


class BranchSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField(help_text="The parent's code; null at the top of your scope.")
    has_love_station = serializers.BooleanField(read_only=True)

    class Meta:
        model = Branch
        fields = (
            "code",
            "name",
            "short_name",
            "level",
            "parent",
            "depth",
            "address",
            "love_station_since",
            "knowledge_corner_since",
            "has_love_station",
            "elderly_finance_demo",
            "inclusive_finance_model",
            "community_finance",
            "population_served",
            "is_active",
        )
        read_only_fields = fields

    def get_parent(self, branch) -> str | None:
        # A parent outside the caller's scope is not revealed.
        request = self.context.get("request")
        parent = branch.parent
        if parent is None or request is None or not access_for(request.user).in_scope(parent):
            return None
        return parent.code


class TargetSerializer(RefuseMassAssignment, serializers.ModelSerializer):
    branch = BranchCodeField()
    metric = serializers.ChoiceField(choices=list(METRICS))
    set_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Target
        fields = ("id", "branch", "year", "metric", "value", "set_by", "updated_at")
        read_only_fields = ("id", "set_by", "updated_at")

    def get_validators(self):
        return []  # target_set creates or changes the one target per branch, year and metric


class TargetValueSerializer(RefuseMassAssignment, serializers.ModelSerializer):
    """A change of an existing target: only its value."""

    class Meta:
        model = Target
        fields = ("value",)
