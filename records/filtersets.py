"""The FilterSet base shared by every record kind's list page and API endpoint."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from branches.codes import BranchCodeChoiceField
from branches.models import Branch
from core.dates import QUERY_DATES
from records.pages.choosers import BranchSearchSelect


def _scoped_branches(request):
    if request is None:
        return Branch.objects.none()
    return Branch.objects.for_user(request.user)


class BranchCodeFilter(django_filters.ModelChoiceFilter):
    """A branch code in the caller's scope, any case (portal/branch_codes.py)."""

    field_class = BranchCodeChoiceField


class YesNoAllSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads "All" (全部), not Django's "Unknown" (未知);
    it reads the same values as Django's select (true/false, 2/3, unknown)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]


class RecordFilterSet(django_filters.FilterSet):
    """branch=CODE selects the node's whole subtree; date_from / date_to bound occurred_on."""

    branch = BranchCodeFilter(
        label=_("branch"),
        queryset=_scoped_branches,
        to_field_name="code",
        method="filter_subtree",
        widget=BranchSearchSelect(purpose="read"),
    )
    # A bound outside the years the portal covers is a form error (400 in the API), not a query.
    date_from = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", label=_("from"), validators=[QUERY_DATES]
    )
    date_to = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", label=_("to"), validators=[QUERY_DATES]
    )

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(branch__path__startswith=value.path) if value else queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in self.filters.values():
            if isinstance(item, django_filters.BooleanFilter) and "widget" not in item.extra:
                item.extra["widget"] = YesNoAllSelect
