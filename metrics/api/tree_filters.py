"""Filters of the branch tree and target endpoints (the record kinds use their UI FilterSets)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from branches.codes import BranchCodeChoiceField
from branches.models import Branch, Target
from core.catalogue import METRICS
from records.filtersets import _scoped_branches


@extend_schema_field({"type": "string", "example": "WH-QK"})
class BranchCodeFilter(django_filters.ModelChoiceFilter):
    """A branch code in the caller's scope, any case."""

    field_class = BranchCodeChoiceField


class SubtreeFilterSet(django_filters.FilterSet):
    """branch=CODE selects that node and everything below it."""

    branch = BranchCodeFilter(
        label=_("branch"), queryset=_scoped_branches, to_field_name="code", method="filter_subtree"
    )
    subtree_path = "branch__path"

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(**{f"{self.subtree_path}__startswith": value.path}) if value else queryset


class BranchFilterSet(SubtreeFilterSet):
    subtree_path = "path"
    love_station = django_filters.BooleanFilter(
        field_name="love_station_since", lookup_expr="isnull", exclude=True, label=_("has a love station")
    )

    class Meta:
        model = Branch
        fields = ["branch", "level", "is_active", "love_station"]


class TargetFilterSet(SubtreeFilterSet):
    metric = django_filters.ChoiceFilter(choices=[(k, m.label) for k, m in METRICS.items()])

    class Meta:
        model = Target
        fields = ["branch", "year", "metric"]
