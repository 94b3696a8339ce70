from antifraud.models import AwarenessSession, Intervention
from records.filtersets import RecordFilterSet


class InterventionFilterSet(RecordFilterSet):
    class Meta:
        model = Intervention
        fields = ["branch", "date_from", "date_to", "channel", "fraud_type", "status"]


class AwarenessSessionFilterSet(RecordFilterSet):
    class Meta:
        model = AwarenessSession
        fields = ["branch", "date_from", "date_to", "venue_type", "partner"]
