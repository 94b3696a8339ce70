"""API fields of study sessions."""

from records.api.records import RecordSerializer, StaffField
from study.models import StudySession


class StudySessionSerializer(RecordSerializer):
    participants = StaffField(many=True, required=False, help_text="Ids of the staff members who took part.")

    class Meta:
        model = StudySession
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "session_type",
            "title",
            "place",
            "organiser",
            "participants",
            "person_times",
            "hours",
        )
