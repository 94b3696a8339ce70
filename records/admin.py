from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from branches.accounts import user_deactivate
from records.admin_filters import period_filter
from records.paging import CappedPaginator

admin.site.site_header = _("Branch civilization records · administration")
admin.site.site_title = _("Records portal administration")
admin.site.index_title = _("Administration")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "object_repr", "branch", "version")
    list_filter = (period_filter("at"), "action")
    list_select_related = ("user", "branch")
    search_fields = ("object_repr", "user__username")
    # One entry per write: at any size, no full count, no date hierarchy (records/admin_base.py).
    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    change_list_template = "admin/records/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PortalUserAdmin(UserAdmin):
    """Switching "active" off goes through user_deactivate: the user's sessions and API tokens end too."""

    def save_model(self, request, obj, form, change):
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True  # user_deactivate switches it off, ends sessions and tokens, and audits
        super().save_model(request, obj, form, change)
        if deactivating:
            user_deactivate(obj, by=request.user)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PortalUserAdmin)
