"""API endpoints of partnerships and their activities."""

from partnerships.api import serializers
from records.api.records import RecordViewSet


class PartnershipViewSet(RecordViewSet):
    kind_slug = "partnerships"
    serializer_class = serializers.PartnershipSerializer


class PartnershipActivityViewSet(RecordViewSet):
    kind_slug = "partnership-activities"
    serializer_class = serializers.PartnershipActivitySerializer
    extra_select_related = ("partnership",)
