"""Paging record lists at any table size (issue 19): counts exact when cheap, capped otherwise,
and a keyset over (occurred_on, id) for the pages beyond the cap.

`COUNT(*)` over a scope of millions of rows reads them all; counting over a `LIMIT COUNT_CAP + 1`
subquery reads at most that many (an index range), so a list says "10,000+" instead. OFFSET
reads every row it skips, so the pages past the cap go on from the last row shown:
`?after=<date>.<id>` (and back with `?before=`), on the (occurred_on, id) index of every kind.
"""

import datetime
from functools import cached_property

from django.core.paginator import EmptyPage, Page, Paginator

COUNT_CAP = 10_000


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): the exact count when it is at most `cap` (COUNT_CAP), else (cap, True)."""
    cap = COUNT_CAP if cap is None else cap
    n = queryset.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, more=None):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        if self.more is not None:
            return self.more
        return self.number < self.paginator.num_pages or self.paginator.capped


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap` (`capped` says so). Page numbers past the cap stay
    valid (the API's clients may ask for them): such a page reads one row more to know whether
    another follows."""

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return capped_count(self.object_list, self.cap)

    @cached_property
    def count(self):
        return self._counted[0]

    @property
    def capped(self) -> bool:
        return self._counted[1]

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        number = super().validate_number(1) if number in (None, "") else number
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # the usual "not an integer" error
        if number < 1:
            raise EmptyPage(self.error_messages["less_than_one"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.capped or bottom + self.per_page <= self.count:
            return CappedPage(self.object_list[bottom : bottom + self.per_page], number, self)
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)


# --- keyset: the pages past the cap -------------------------------------------------------------


def encode_key(obj) -> str:
    return f"{obj.occurred_on.isoformat()}.{obj.pk}"


def decode_key(text: str | None) -> tuple[datetime.date, int] | None:
    """The (date, id) of a key the list gave, or None for anything else."""
    day, _, pk = (text or "").partition(".")
    if not pk.isdigit() or len(pk) > 18:
        return None
    try:
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def keyset_page(queryset, *, after=None, before=None, size: int):
    """A page of `queryset` (newest first by occurred_on, id) just after or just before a key:
    (rows, more_after, more_before). One query; the rows come off the (occurred_on, id) index."""
    if after is not None:
        day, pk = after
        qs = queryset.filter(occurred_on__lte=day).exclude(occurred_on=day, id__gte=pk)
        rows = list(qs.order_by("-occurred_on", "-id")[: size + 1])
        return rows[:size], len(rows) > size, True
    day, pk = before
    qs = queryset.filter(occurred_on__gte=day).exclude(occurred_on=day, id__lte=pk)
    rows = list(qs.order_by("occurred_on", "id")[: size + 1])
    more_before = len(rows) > size
    return list(reversed(rows[:size])), True, more_before


def newest_first(queryset, size: int) -> list:
    """The newest `size` rows of `queryset` (by occurred_on, id), in one query of two steps: the
    ids off the (occurred_on, id) index, which also holds each row's branch, so a subtree's
    newest ids are found without reading a table row (PostgreSQL); then those rows by key.
    A plain ORDER BY … LIMIT reads every row of a large scope's other branches that it skips."""
    ordered = queryset.order_by("-occurred_on", "-id")
    return list(ordered.filter(pk__in=ordered.values("pk")[:size]))
