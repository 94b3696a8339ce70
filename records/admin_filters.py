"""The admin's period filter: records of a year or a month, in place of a date hierarchy.

A date hierarchy asks the database for the dates present (an aggregate over the whole table,
at every level) before it shows anything. This filter offers the recent years, and a chosen
year's months, without a query, and narrows the list with a date range the (occurred_on, id)
index serves. Any period the portal reads (2025, 2025Q3, 2025-08, 2021..2025) may be given in
the address.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import PeriodError, parse_period

YEARS_OFFERED = 10


class PeriodListFilter(admin.SimpleListFilter):
    title = _("period")
    parameter_name = "period"
    field_name = "occurred_on"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        choices = [(str(year), str(year)) for year in range(this_year, this_year - YEARS_OFFERED, -1)]
        chosen = self._period()
        if chosen is not None and chosen.first.year == chosen.last.year:
            year = chosen.first.year
            months = [(f"{year}-{m:02d}", f"{year}-{m:02d}") for m in range(1, 13)]
            choices = [c for c in choices if c[0] != str(year)]
            index = next((i for i, c in enumerate(choices) if int(c[0][:4]) < year), len(choices))
            choices[index:index] = [(str(year), str(year)), *months]
        return choices

    def _period(self):
        try:
            return parse_period(self.value()) if self.value() else None
        except PeriodError:
            return None

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        period = self._period()
        if period is None:
            raise IncorrectLookupParameters(self.value())
        field = queryset.model._meta.get_field(self.field_name)
        first, after = period.first, period.end_date + datetime.timedelta(days=1)
        if isinstance(field, models.DateTimeField):
            aware = timezone.get_current_timezone()
            first = datetime.datetime.combine(first, datetime.time(), tzinfo=aware)
            after = datetime.datetime.combine(after, datetime.time(), tzinfo=aware)
        return queryset.filter(**{f"{self.field_name}__gte": first, f"{self.field_name}__lt": after})


def period_filter(field_name: str) -> type[PeriodListFilter]:
    """The period filter over another date or time field (the audit log's `at`)."""
    return type(f"PeriodListFilter_{field_name}", (PeriodListFilter,), {"field_name": field_name})
