"""The portal's date range: the one place that says which dates from outside are plausible.

Every date that enters from outside (a form, an API body, a ledger cell, a query string, a
photo's EXIF) is checked against these bounds before it is stored or queried:

- a record's dates (occurred on, follow-up done, disbanded, status since): 1990-01-01 to today
  in Asia/Shanghai;
- an honour's validity may run into the future: up to today + VALIDITY_YEARS;
- a query bound (a list filter, a report period): 1990-01-01 to 2100-12-31, the years the
  reporting periods cover (a period's end may lie in the future);
- a photo's capture time: 1990-01-01 00:00 local time to now + 1 day (camera clocks drift);
  outside it the capture time is dropped (kept as unknown), never stored.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_QUERY_DATE = datetime.date(2100, 12, 31)
VALIDITY_YEARS = 10
CAPTURE_CLOCK_SLACK = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def _years_from_today(years: int) -> datetime.date:
    day = today()
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateRange:
    first: Callable[[], datetime.date]
    last: Callable[[], datetime.date]

    def contains(self, value: datetime.date) -> bool:
        return self.first() <= value <= self.last()

    def __call__(self, value) -> None:
        """A validator: refuses a date outside the range, saying which bound it passed."""
        if value is None:
            return
        if isinstance(value, datetime.datetime):
            value = value.date()
        first, last = self.first(), self.last()
        if value < first:
            raise ValidationError(
                _("The date cannot be before %(first)s."), code="date_too_early", params={"first": first.isoformat()}
            )
        if value > last:
            if last == today():
                raise ValidationError(_("The date cannot be in the future."), code="future_date")
            raise ValidationError(
                _("The date cannot be after %(last)s."), code="date_too_late", params={"last": last.isoformat()}
            )


RECORD_DATES = DateRange(lambda: EARLIEST_DATE, today)
VALIDITY_DATES = DateRange(lambda: EARLIEST_DATE, lambda: _years_from_today(VALIDITY_YEARS))
QUERY_DATES = DateRange(lambda: EARLIEST_DATE, lambda: LATEST_QUERY_DATE)


def date_range_of(field) -> DateRange | None:
    """The portal's range of a current model field (its DateRange validator, or the record range
    of validate_not_future), or None for a field a user does not set."""
    from core.validators import validate_not_future  # it imports this module

    for validator in field.validators:
        if isinstance(validator, DateRange):
            return validator
        if validator is validate_not_future:
            return RECORD_DATES
    return None


def plausible_capture_time(value: datetime.datetime | None) -> datetime.datetime | None:
    """An EXIF capture time if it is plausible, else None (unknown)."""
    if value is None:
        return None
    first = timezone.make_aware(datetime.datetime.combine(EARLIEST_DATE, datetime.time()))
    if not first <= value <= timezone.now() + CAPTURE_CLOCK_SLACK:
        return None
    return value
