from django.contrib import admin

from partnerships import services as svc
from partnerships.models import Partnership, PartnershipActivity
from records.admin_base import RecordAdmin


@admin.register(Partnership)
class PartnershipAdmin(RecordAdmin):
    create_service, update_service, delete_service = (
        svc.partnership_create,
        svc.partnership_update,
        svc.partnership_delete,
    )
    list_display = ("partner_name", "branch", "partner_type", "agreement_ref", "occurred_on", "ended_on")
    list_filter = ("partner_type",)
    search_fields = ("partner_name",)


@admin.register(PartnershipActivity)
class PartnershipActivityAdmin(RecordAdmin):
    create_service = svc.partnership_activity_create
    update_service = svc.partnership_activity_update
    delete_service = svc.partnership_activity_delete
    list_display = ("occurred_on", "branch", "partnership", "activity_type", "people_reached")
    list_filter = ("activity_type",)
    list_select_related = ("branch", "partnership")
