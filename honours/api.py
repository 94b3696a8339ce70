"""API of honours: the serializer and the viewset."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.kinds import kind_for_model, kind_for_slug, record_kinds
from honours.models import Honour
from records.api.records import RecordSerializer, RecordViewSet, StaffField


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


class HonourViewSet(RecordViewSet):
    kind_slug = "honours"
    serializer_class = HonourSerializer
    extra_select_related = ("linked_type",)
