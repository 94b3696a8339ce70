from django.contrib import admin

from metrics.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: submitting, approving, returning and reopening happen in the portal, audited."""

    list_display = (
        "month",
        "branch",
        "status",
        "is_nil_return",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "is_nil_return", "month")
    list_select_related = ("branch", "submitted_by", "decided_by")

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
