"""API endpoint of study sessions."""

from records.api.records import RecordViewSet
from study.api import serializers


class StudySessionViewSet(RecordViewSet):
    kind_slug = "study-sessions"
    serializer_class = serializers.StudySessionSerializer
