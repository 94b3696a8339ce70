"""Reporting periods: `2025`, `2025Q3`, `2025-08` and ranges `2021..2025`, `2025-01..2025-06`."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.dates import EARLIEST_DATE, LATEST_QUERY_DATE

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MIN_YEAR, MAX_YEAR = EARLIEST_DATE.year, LATEST_QUERY_DATE.year


class PeriodError(ValueError):
    pass


def month_start(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def add_months(d: datetime.date, n: int) -> datetime.date:
    index = d.year * 12 + d.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """An inclusive range of whole months, with the text it was written as."""

    first: datetime.date
    last: datetime.date
    text: str

    @property
    def months(self) -> list[datetime.date]:
        out, m = [], self.first
        while m <= self.last:
            out.append(m)
            m = add_months(m, 1)
        return out

    @property
    def end_date(self) -> datetime.date:
        return add_months(self.last, 1) - datetime.timedelta(days=1)

    def shifted_years(self, years: int) -> "Period":
        return parse_period(_shift_text(self.text, years))

    @property
    def previous_year(self) -> "Period":
        return self.shifted_years(-1)

    @property
    def comparison(self) -> "Period":
        """What the period's figures are compared with, never an overlapping period: up to a
        year long, the same months a year earlier (2024Q3 for 2025Q3, the 同比 bank reports use,
        which keeps the season); longer, the preceding period of the same length (2016..2020 for
        2021..2025). PeriodError before the first year the portal covers."""
        return self.shifted_years(-1) if len(self.months) <= 12 else self.preceding

    @property
    def preceding(self) -> "Period":
        """The period of the same number of months that ends the month before this one starts:
        2016..2020 for 2021..2025, 2025Q2 for 2025Q3, 2024-07..2024-12 for 2025-01..2025-06.

        Written in the coarsest unit its bounds align to (years, quarters, months), so its text
        parses back to the same months; PeriodError before the first year the portal covers.
        """
        count = len(self.months)
        return period_between(add_months(self.first, -count), add_months(self.first, -1))

    def contains(self, d: datetime.date) -> bool:
        return self.first <= month_start(d) <= self.last

    @property
    def year(self) -> int | None:
        """The calendar year when the period lies within one (targets are yearly)."""
        return self.first.year if self.first.year == self.last.year else None

    def label(self) -> str:
        return " – ".join(_single_label(part) for part in self.text.split(".."))

    def __str__(self):
        return self.text


def _single_bounds(text: str) -> tuple[datetime.date, datetime.date]:
    if m := _YEAR.match(text):
        y = int(m[1])
        first, last = datetime.date(y, 1, 1), datetime.date(y, 12, 1)
    elif m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        first = datetime.date(y, 3 * q - 2, 1)
        last = datetime.date(y, 3 * q, 1)
    elif m := _MONTH.match(text):
        first = last = datetime.date(int(m[1]), int(m[2]), 1)
    else:
        raise PeriodError(
            _("Unknown period %(period)s: use 2025, 2025Q3, 2025-08 or a range such as 2021..2025.") % {"period": text}
        )
    if not (MIN_YEAR <= first.year <= MAX_YEAR):
        raise PeriodError(_("Period %(period)s is outside the years the portal covers.") % {"period": text})
    return first, last


def parse_period(text: str) -> Period:
    text = (text or "").strip().upper()
    if not text:
        raise PeriodError(_("Give a period, such as 2025."))
    parts = text.split("..")
    if len(parts) > 2:
        raise PeriodError(_("Unknown period %(period)s.") % {"period": text})
    first, _unused = _single_bounds(parts[0])
    _unused, last = _single_bounds(parts[-1])
    if last < first:
        raise PeriodError(_("Period %(period)s ends before it starts.") % {"period": text})
    return Period(first, last, text)


def period_between(first: datetime.date, last: datetime.date) -> "Period":
    """The period of whole months first..last, written in the coarsest unit its bounds align to
    (years, quarters, months); PeriodError when it ends before it starts or lies outside the
    years the portal covers."""
    first, last = month_start(first), month_start(last)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if first.month == 1 and count % 12 == 0:
        texts = [str(first.year), str(last.year)]
    elif first.month % 3 == 1 and count % 3 == 0:
        texts = [f"{first.year}Q{(first.month + 2) // 3}", f"{last.year}Q{(last.month + 2) // 3}"]
    else:
        texts = [f"{first:%Y-%m}", f"{last:%Y-%m}"]
    if first.year < MIN_YEAR:
        raise PeriodError(_("Period %(period)s is outside the years the portal covers.") % {"period": texts[0]})
    if count < 1:
        raise PeriodError(_("Period %(period)s ends before it starts.") % {"period": "..".join(texts)})
    return parse_period(texts[0] if texts[0] == texts[1] else "..".join(texts))


def _shift_text(text: str, years: int) -> str:
    return re.sub(r"\d{4}", lambda m: str(int(m[0]) + years), text)


def _single_label(text: str) -> str:
    if m := _YEAR.match(text):
        return _("year %(year)s") % {"year": m[1]}
    if m := _QUARTER.match(text):
        return _("Q%(q)s %(year)s") % {"year": m[1], "q": m[2]}
    m = _MONTH.match(text)
    return _("%(month)s/%(year)s") % {"year": m[1], "month": int(m[2])}


def current_year_period() -> Period:
    from django.utils import timezone

    return parse_period(str(timezone.localdate().year))
