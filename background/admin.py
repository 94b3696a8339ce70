import json

from django import forms
from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

import background.celery  # noqa: F401  (the portal's Celery app is the current one: its tasks are listed)
from background.models import TaskRun
from background.schedules import check_kwargs


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    """Read-only: the periodic tasks write these rows."""

    list_display = ["task", "ok", "started_at", "finished_at", "summary"]
    readonly_fields = [*list_display, "figures"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CheckedPeriodicTaskForm(PeriodicTaskForm):
    """django-celery-beat's form, with the task's own check of its keyword arguments (the
    reminders' days): a wrong value is a form error, not a failed run at night."""

    def clean(self):
        data = super().clean()
        kwargs = data.get("kwargs")
        if data.get("task") and kwargs and "kwargs" not in self.errors:
            try:
                check_kwargs(data["task"], json.loads(kwargs))
            except ValueError as error:
                self.add_error("kwargs", forms.ValidationError(str(error)))
        return data


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class CheckedPeriodicTaskAdmin(PeriodicTaskAdmin):
    form = CheckedPeriodicTaskForm
