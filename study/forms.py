"""The entry form of study sessions."""

from records.pages.forms import RecordForm
from study.models import StudySession


class StudySessionForm(RecordForm):
    class Meta:
        model = StudySession
        fields = [
            "branch",
            "occurred_on",
            "session_type",
            "title",
            "place",
            "organiser",
            "participants",
            "person_times",
            "hours",
            "notes",
        ]
