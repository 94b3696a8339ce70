from django.contrib import admin

from antifraud import services as svc
from antifraud.models import AwarenessSession, Intervention
from records.admin_base import RecordAdmin


@admin.register(Intervention)
class InterventionAdmin(RecordAdmin):
    """Status changes go through the case workflow in the portal, not through this form."""

    create_service, update_service, delete_service = (
        svc.intervention_create,
        svc.intervention_update,
        svc.intervention_delete,
    )
    list_display = ("occurred_on", "branch", "channel", "fraud_type", "status", "amount_at_risk", "amount_protected")
    list_filter = ("status", "fraud_type", "channel")
    readonly_fields = (*RecordAdmin.readonly_fields, "status")


@admin.register(AwarenessSession)
class AwarenessSessionAdmin(RecordAdmin):
    create_service = svc.awareness_session_create
    update_service = svc.awareness_session_update
    delete_service = svc.awareness_session_delete
    list_display = ("occurred_on", "branch", "venue_type", "partner", "place", "audience")
    list_filter = ("venue_type", "partner")
