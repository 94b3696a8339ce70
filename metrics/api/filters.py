"""Filters of the submissions endpoint."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.periods import PeriodError, parse_period
from metrics.api.tree_filters import SubtreeFilterSet
from metrics.models import Submission


def validate_period(text: str) -> None:
    try:
        parse_period(text)
    except PeriodError as exc:
        # The message quotes the user's text: pass it as a parameter, never as a format string.
        raise ValidationError("%(problem)s", params={"problem": str(exc)}) from exc


class SubmissionFilterSet(SubtreeFilterSet):
    period = django_filters.CharFilter(
        label=_("period"), method="filter_period", validators=[validate_period], max_length=40
    )

    class Meta:
        model = Submission
        fields = ["branch", "period", "status", "is_nil_return"]

    def filter_period(self, queryset, name, value):
        if not value:
            return queryset
        period = parse_period(value)
        return queryset.filter(month__gte=period.first, month__lte=period.last)
