from django.contrib import admin

from branches import services as svc
from branches.admin_base import ScopedAdminMixin, SearchedRelationsMixin
from branches.models import Branch, Membership, Staff, Target


@admin.register(Branch)
class BranchAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "love_station_since", "is_active")
    list_filter = ("level", "is_active", "elderly_finance_demo", "inclusive_finance_model", "community_finance")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("parent",)

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k in svc.BRANCH_FIELDS}
        if change:
            changed = {k: v for k, v in data.items() if k in form.changed_data}
            saved = svc.branch_update(Branch.objects.get(pk=obj.pk), user=request.user, **changed)
        else:
            saved = svc.branch_create(user=request.user, **data)
        obj.pk, obj.path = saved.pk, saved.path

    def has_delete_permission(self, request, obj=None):
        return False  # close a branch (inactive) instead: its records stay


@admin.register(Staff)
class StaffAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "branch", "is_party_member", "birth_year", "user", "is_active")
    list_filter = ("is_party_member", "is_active")
    search_fields = ("name",)
    list_select_related = ("branch", "user")

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k in {f.name for f in Staff._meta.fields}}
        if "user" in data:  # the staff member's login; the services' `user` is who writes
            data["portal_user"] = data.pop("user")
        if change:
            saved = svc.staff_update(Staff.objects.get(pk=obj.pk), user=request.user, **data)
        else:
            saved = svc.staff_create(user=request.user, **data)
        obj.pk = saved.pk


@admin.register(Membership)
class MembershipAdmin(SearchedRelationsMixin, admin.ModelAdmin):
    list_display = ("user", "branch", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "branch__code", "branch__name")
    list_select_related = ("user", "branch")

    def save_model(self, request, obj, form, change):
        if change:
            svc.membership_revoke(Membership.objects.get(pk=obj.pk), user=request.user)
        saved = svc.membership_grant(user=request.user, member=obj.user, branch=obj.branch, role=obj.role)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        svc.membership_revoke(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            svc.membership_revoke(obj, user=request.user)


@admin.register(Target)
class TargetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "branch", "metric", "value", "set_by", "updated_at")
    list_filter = ("year", "metric")
    list_select_related = ("branch", "set_by")
    readonly_fields = ("set_by",)

    def save_model(self, request, obj, form, change):
        saved = svc.target_set(user=request.user, branch=obj.branch, year=obj.year, metric=obj.metric, value=obj.value)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        svc.target_delete(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            svc.target_delete(obj, user=request.user)
