"""Evaluation schemes and their items are configuration: the system administrator edits them."""

from django.contrib import admin

from reports.models import EvaluationItem, EvaluationScheme


class EvaluationItemInline(admin.TabularInline):
    model = EvaluationItem
    extra = 0
    fields = ("position", "code", "title", "points", "kinds", "metrics", "split", "guidance")


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "illustrative", "position")
    inlines = [EvaluationItemInline]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
