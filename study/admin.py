from django.contrib import admin

from records.admin_base import RecordAdmin
from study import services as svc
from study.models import StudySession


@admin.register(StudySession)
class StudySessionAdmin(RecordAdmin):
    create_service = svc.study_session_create
    update_service = svc.study_session_update
    delete_service = svc.study_session_delete
    list_display = ("occurred_on", "branch", "session_type", "title", "place", "person_times", "hours")
    list_filter = ("session_type",)
    search_fields = ("title", "place")
