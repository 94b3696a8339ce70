import django_filters
from django.utils.translation import gettext_lazy as _

from partnerships.models import Partnership, PartnershipActivity
from records.filtersets import RecordFilterSet
from records.pages.choosers import RecordSearchSelect
from records.pages.forms import RecordChoiceField
from records.references import reachable_records


class PartnershipFilterSet(RecordFilterSet):
    active = django_filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label=_("active"))
    partner_name = django_filters.CharFilter(lookup_expr="icontains", label=_("partner unit"))

    class Meta:
        model = Partnership
        fields = ["branch", "date_from", "date_to", "partner_type", "partner_name", "active"]


def _partnerships(request):
    """Only the partnerships the user may name (a list never offers others' partner names)."""
    if request is None:
        return Partnership.objects.none()
    return reachable_records(Partnership, request.user).select_related("branch").order_by("-occurred_on", "-pk")


class PartnershipChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = RecordChoiceField  # a hostile id is a form error, never a query


class PartnershipActivityFilterSet(RecordFilterSet):
    partnership = PartnershipChoiceFilter(
        queryset=_partnerships, label=_("partnership"), widget=RecordSearchSelect(kind="partnerships")
    )

    class Meta:
        model = PartnershipActivity
        fields = ["branch", "date_from", "date_to", "activity_type", "partnership"]
