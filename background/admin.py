from django.contrib import admin

from background.models import TaskRun


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    """Read-only: the periodic tasks write these rows."""

    list_display = ["task", "ok", "started_at", "finished_at", "summary"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
