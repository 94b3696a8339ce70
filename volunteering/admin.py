from django.contrib import admin

from records.admin_base import RecordAdmin
from volunteering import services as svc
from volunteering.models import Team, VolunteerActivity


@admin.register(VolunteerActivity)
class VolunteerActivityAdmin(RecordAdmin):
    create_service = svc.volunteer_activity_create
    update_service = svc.volunteer_activity_update
    delete_service = svc.volunteer_activity_delete
    list_display = ("occurred_on", "branch", "theme", "place", "participants", "beneficiaries", "hours")
    list_filter = ("theme",)


@admin.register(Team)
class TeamAdmin(RecordAdmin):
    create_service, update_service, delete_service = svc.team_create, svc.team_update, svc.team_delete
    list_display = ("name", "branch", "kind", "members", "occurred_on", "disbanded_on")
    list_filter = ("kind",)
    search_fields = ("name",)
