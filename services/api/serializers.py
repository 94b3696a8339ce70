"""API fields of the customer-service record kinds."""

from records.api.records import RecordSerializer, StaffField
from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent


class HomeVisitSerializer(RecordSerializer):
    staff = StaffField(many=True, required=False, help_text="Ids of the staff members who went (a team of two).")

    class Meta:
        model = HomeVisit
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "customer_group",
            "customer_name_masked",
            "customer_age_band",
            "purpose",
            "staff",
            "duration_minutes",
            "recording_ref",
            "follow_up_due",
            "follow_up_done_on",
        )


class OutreachEventSerializer(RecordSerializer):
    class Meta:
        model = OutreachEvent
        fields = (*RecordSerializer.COMMON_FIELDS, "venue_type", "place", "theme", "attendees", "partnership")


class FinancingSerializer(RecordSerializer):
    class Meta:
        model = Financing
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "sector",
            "product",
            "counterparty",
            "credit_code",
            "entities_covered",
            "amount",
        )


class LoveStationTallySerializer(RecordSerializer):
    class Meta:
        model = LoveStationTally
        fields = (*RecordSerializer.COMMON_FIELDS, "visitor_group", "service", "count")


class CashServiceSerializer(RecordSerializer):
    class Meta:
        model = CashService
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "service",
            "customer_type",
            "customer_description",
            "pieces_counted",
            "amount",
            "staff_hours",
        )
