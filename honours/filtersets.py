import django_filters

from honours.models import Honour
from records.filtersets import RecordFilterSet


class HonourFilterSet(RecordFilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Honour
        fields = ["branch", "date_from", "date_to", "kind", "level", "title"]
