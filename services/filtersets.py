import django_filters
from django.utils.translation import gettext_lazy as _

from records.filtersets import RecordFilterSet
from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent


class HomeVisitFilterSet(RecordFilterSet):
    follow_up_pending = django_filters.BooleanFilter(
        field_name="follow_up_done_on", lookup_expr="isnull", label=_("follow-up still to do")
    )

    class Meta:
        model = HomeVisit
        fields = [
            "branch",
            "date_from",
            "date_to",
            "customer_group",
            "purpose",
            "customer_age_band",
            "follow_up_pending",
        ]


class OutreachEventFilterSet(RecordFilterSet):
    class Meta:
        model = OutreachEvent
        fields = ["branch", "date_from", "date_to", "venue_type", "theme"]


class FinancingFilterSet(RecordFilterSet):
    counterparty = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Financing
        fields = ["branch", "date_from", "date_to", "sector", "product", "counterparty", "credit_code"]


class LoveStationTallyFilterSet(RecordFilterSet):
    class Meta:
        model = LoveStationTally
        fields = ["branch", "date_from", "date_to", "visitor_group", "service"]


class CashServiceFilterSet(RecordFilterSet):
    class Meta:
        model = CashService
        fields = ["branch", "date_from", "date_to", "service", "customer_type"]
