"""API endpoints of the customer-service record kinds."""

from records.api.records import RecordViewSet
from services.api import serializers


class HomeVisitViewSet(RecordViewSet):
    kind_slug = "home-visits"
    serializer_class = serializers.HomeVisitSerializer


class OutreachEventViewSet(RecordViewSet):
    kind_slug = "outreach-events"
    serializer_class = serializers.OutreachEventSerializer


class FinancingViewSet(RecordViewSet):
    kind_slug = "financing"
    serializer_class = serializers.FinancingSerializer


class LoveStationTallyViewSet(RecordViewSet):
    kind_slug = "love-station-tallies"
    serializer_class = serializers.LoveStationTallySerializer


class CashServiceViewSet(RecordViewSet):
    kind_slug = "cash-services"
    serializer_class = serializers.CashServiceSerializer
