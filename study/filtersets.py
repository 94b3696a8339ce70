from records.filtersets import RecordFilterSet
from study.models import StudySession


class StudySessionFilterSet(RecordFilterSet):
    class Meta:
        model = StudySession
        fields = ["branch", "date_from", "date_to", "session_type"]
