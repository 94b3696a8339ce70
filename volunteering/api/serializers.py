"""API fields of volunteer activities and teams."""

from records.api.records import RecordSerializer
from volunteering.models import Team, VolunteerActivity


class VolunteerActivitySerializer(RecordSerializer):
    class Meta:
        model = VolunteerActivity
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "theme",
            "place",
            "participants",
            "beneficiaries",
            "hours",
            "partnership",
        )


class TeamSerializer(RecordSerializer):
    class Meta:
        model = Team
        fields = (*RecordSerializer.COMMON_FIELDS, "kind", "name", "members", "disbanded_on")
