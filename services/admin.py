from django.contrib import admin

from records.admin_base import RecordAdmin
from services import services as svc
from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent


@admin.register(HomeVisit)
class HomeVisitAdmin(RecordAdmin):
    create_service, update_service, delete_service = svc.home_visit_create, svc.home_visit_update, svc.home_visit_delete
    list_display = (
        "occurred_on",
        "branch",
        "customer_group",
        "customer_name_masked",
        "purpose",
        "follow_up_due",
        "follow_up_done_on",
    )
    list_filter = ("customer_group", "purpose")
    readonly_fields = (*RecordAdmin.readonly_fields, "follow_up_due")


@admin.register(OutreachEvent)
class OutreachEventAdmin(RecordAdmin):
    create_service, update_service, delete_service = (
        svc.outreach_event_create,
        svc.outreach_event_update,
        svc.outreach_event_delete,
    )
    list_display = ("occurred_on", "branch", "venue_type", "theme", "place", "attendees")
    list_filter = ("venue_type", "theme")


@admin.register(Financing)
class FinancingAdmin(RecordAdmin):
    create_service, update_service, delete_service = svc.financing_create, svc.financing_update, svc.financing_delete
    list_display = ("occurred_on", "branch", "sector", "product", "counterparty", "entities_covered", "amount")
    list_filter = ("sector", "product")
    search_fields = ("counterparty", "credit_code")


@admin.register(LoveStationTally)
class LoveStationTallyAdmin(RecordAdmin):
    create_service = svc.love_station_tally_create
    update_service = svc.love_station_tally_update
    delete_service = svc.love_station_tally_delete
    list_display = ("occurred_on", "branch", "visitor_group", "service", "count")
    list_filter = ("visitor_group", "service")


@admin.register(CashService)
class CashServiceAdmin(RecordAdmin):
    create_service, update_service, delete_service = (
        svc.cash_service_create,
        svc.cash_service_update,
        svc.cash_service_delete,
    )
    list_display = ("occurred_on", "branch", "service", "customer_type", "pieces_counted", "amount")
    list_filter = ("service", "customer_type")
