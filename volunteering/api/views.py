"""API endpoints of volunteer activities and teams."""

from records.api.records import RecordViewSet
from volunteering.api import serializers


class VolunteerActivityViewSet(RecordViewSet):
    kind_slug = "volunteer-activities"
    serializer_class = serializers.VolunteerActivitySerializer


class TeamViewSet(RecordViewSet):
    kind_slug = "teams"
    serializer_class = serializers.TeamSerializer
