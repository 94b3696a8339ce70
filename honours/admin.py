from django.contrib import admin

from honours import services as svc
from honours.models import Honour
from records.admin_base import RecordAdmin


@admin.register(Honour)
class HonourAdmin(RecordAdmin):
    create_service, update_service, delete_service = svc.honour_create, svc.honour_update, svc.honour_delete
    list_display = ("occurred_on", "branch", "title", "kind", "level", "star_level", "valid_until", "status")
    list_filter = ("kind", "level", "status")
    search_fields = ("title", "issuer")
    # Changed only through honour_warn / honour_downgrade / honour_revoke / honour_renew.
    readonly_fields = (*RecordAdmin.readonly_fields, *svc.LIFECYCLE_FIELDS)
