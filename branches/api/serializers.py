"""API fields of the branch tree, honours and targets."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from branches.access import access_for
from branches.models import Branch, Honour, Target
from core.catalogue import METRICS
from core.kinds import kind_for_model, kind_for_slug, record_kinds
from records.api.records import BranchCodeField, RecordSerializer, RefuseMassAssignment, StaffField


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


class LinkedKindField(serializers.ChoiceField):
    """The kind (API resource name) of the record an honour is linked to."""

    def __init__(self, **kwargs):
        super().__init__(choices=[k.slug for k in record_kinds()], **kwargs)

    def get_attribute(self, honour):
        model = honour.linked_type.model_class() if honour.linked_type_id else None
        return kind_for_model(model).slug if model else None


class HonourSerializer(RecordSerializer):
    """An honour; `linked_kind` + `linked_id` name the record that earned it (both or neither)."""

    recipient_staff = StaffField(required=False, allow_null=True, help_text="Id of the honoured staff member.")
    linked_kind = LinkedKindField(required=False, allow_null=True)
    linked_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)

    class Meta:
        model = Honour
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "kind",
            "level",
            "title",
            "issuer",
            "recipient_staff",
            "valid_until",
            "star_level",
            "linked_kind",
            "linked_id",
        )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not {"linked_kind", "linked_id"} & set(attrs):
            return attrs
        slug, pk = attrs.pop("linked_kind", None), attrs.pop("linked_id", None)
        if (slug is None) != (pk is None):
            raise serializers.ValidationError({"linked_id": [_("Give both linked_kind and linked_id, or neither.")]})
        if slug is None:
            attrs["linked_record"] = None
            return attrs
        request = self.context["request"]
        linked = kind_for_slug(slug).model.objects.for_user(request.user).filter(pk=pk).first()
        if linked is None:
            raise serializers.ValidationError({"linked_id": [_("No such record in your scope.")]})
        attrs["linked_record"] = linked
        return attrs


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
