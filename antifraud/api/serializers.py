"""API fields of anti-fraud interventions and awareness sessions."""

from rest_framework import serializers

from antifraud.models import AwarenessSession, Intervention
from core.validators import MAX_AMOUNT
from records.api.records import RecordSerializer, StaffField


class InterventionSerializer(RecordSerializer):
    """A case; its status moves only through the `transition` action."""

    staff = StaffField(many=True, required=False, help_text="Ids of the staff members who intervened.")

    class Meta:
        model = Intervention
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "occurred_time",
            "channel",
            "fraud_type",
            "customer_name_masked",
            "customer_age_band",
            "amount_at_risk",
            "status",
            "police_unit",
            "amount_protected",
            "staff",
        )


class InterventionTransitionSerializer(serializers.Serializer):
    """The case's next state: police notified → police attended → confirmed (with unit and
    amount) or customer proceeded."""

    status = serializers.ChoiceField(choices=Intervention.Status.choices)
    police_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    amount_protected = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, required=False, allow_null=True
    )


class AwarenessSessionSerializer(RecordSerializer):
    class Meta:
        model = AwarenessSession
        fields = (*RecordSerializer.COMMON_FIELDS, "venue_type", "place", "audience", "partner", "partnership")
