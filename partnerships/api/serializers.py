"""API fields of partnerships and their activities."""

from partnerships.models import Partnership, PartnershipActivity
from records.api.records import RecordSerializer


class PartnershipSerializer(RecordSerializer):
    class Meta:
        model = Partnership
        fields = (*RecordSerializer.COMMON_FIELDS, "partner_name", "partner_type", "agreement_ref", "ended_on")


class PartnershipActivitySerializer(RecordSerializer):
    class Meta:
        model = PartnershipActivity
        fields = (*RecordSerializer.COMMON_FIELDS, "partnership", "activity_type", "people_reached")
