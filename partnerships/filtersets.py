import django_filters
from django.utils.translation import gettext_lazy as _

from partnerships.models import Partnership, PartnershipActivity
from records.filtersets import RecordFilterSet


class PartnershipFilterSet(RecordFilterSet):
    active = django_filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label=_("active"))
    partner_name = django_filters.CharFilter(lookup_expr="icontains", label=_("partner unit"))

    class Meta:
        model = Partnership
        fields = ["branch", "date_from", "date_to", "partner_type", "partner_name", "active"]


class PartnershipActivityFilterSet(RecordFilterSet):
    class Meta:
        model = PartnershipActivity
        fields = ["branch", "date_from", "date_to", "activity_type", "partnership"]
