from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.models import AuditEntry

admin.site.site_header = _("Branch civilization records · administration")
admin.site.site_title = _("Records portal administration")
admin.site.index_title = _("Administration")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "object_repr", "branch", "version")
    list_filter = ("action",)
    list_select_related = ("user", "branch")
    search_fields = ("object_repr", "user__username")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
