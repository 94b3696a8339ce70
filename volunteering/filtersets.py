import django_filters
from django.utils.translation import gettext_lazy as _

from records.filtersets import RecordFilterSet
from volunteering.models import Team, VolunteerActivity


class VolunteerActivityFilterSet(RecordFilterSet):
    class Meta:
        model = VolunteerActivity
        fields = ["branch", "date_from", "date_to", "theme"]


class TeamFilterSet(RecordFilterSet):
    active = django_filters.BooleanFilter(field_name="disbanded_on", lookup_expr="isnull", label=_("active"))

    class Meta:
        model = Team
        fields = ["branch", "date_from", "date_to", "kind", "active"]
