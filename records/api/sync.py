"""Incremental sync: a record list read as a change feed.

`?updated_since=<time>` turns a list into a keyset walk over (updated_at, id), oldest first:
each page's `next` link carries a `cursor` naming the last row given, and the next page starts
strictly after it. Unlike page numbers, a boundary never skips or repeats a row when others
are written between two fetches: a row changed meanwhile moves to the end of the walk (and is
read there, in its new version), every other row keeps its place.

The deletion feed (portal/api/deletions.py) walks the audit log the same way over (at, id).
"""

import base64
import binascii
import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from records.api.pagination import PortalPagination
from records.paging import capped_count


def parse_since(name: str, text: str) -> datetime.datetime:
    """An ISO 8601 time (with its offset; without one it is the portal's time zone) or a date
    (its midnight)."""
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:
        moment = None
    if moment is None or not 1900 <= moment.year <= 9998:
        raise ValidationError({name: [_("Give a time in ISO 8601, such as 2026-01-31T08:00:00+08:00, or a date.")]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return _in_utc(name, moment)


def _in_utc(name: str, moment: datetime.datetime) -> datetime.datetime:
    """The moment in UTC: the database takes offsets up to ±15:59 only (a 500 otherwise)."""
    try:
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise ValidationError(
            {name: [_("Give a time in ISO 8601, such as 2026-01-31T08:00:00+08:00, or a date.")]}
        ) from None


def encode_cursor(moment: datetime.datetime, pk: int) -> str:
    text = f"{moment.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(name: str, text: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment_text, pk_text = raw.rsplit("|", 1)
        moment, pk = parse_datetime(moment_text), int(pk_text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        moment, pk = None, 0
    if moment is None or timezone.is_naive(moment) or pk < 0:
        raise ValidationError({name: [_("This cursor is not one the API gave: follow the “next” link as it is.")]})
    return _in_utc(name, moment), pk


class SyncPagination(PortalPagination):
    """Page numbers for browsing; a keyset over (`sync_field`, id) when the view's since-parameter
    or a cursor is given (always, for views that set `always_sync`)."""

    cursor_query_param = "cursor"

    def _settings(self, view):
        return getattr(view, "sync_field", "updated_at"), getattr(view, "since_param", "updated_since")

    def in_sync_mode(self, request, view) -> bool:
        _field, since = self._settings(view)
        return (
            getattr(view, "always_sync", False)
            or since in request.query_params
            or self.cursor_query_param in request.query_params
        )

    def paginate_queryset(self, queryset, request, view=None):
        self.sync = self.in_sync_mode(request, view)
        if not self.sync:
            return super().paginate_queryset(queryset, request, view)
        field, since_param = self._settings(view)
        params = request.query_params
        if "ordering" in params:
            raise ValidationError(
                {"ordering": [_("A change feed is ordered by time of change; leave “ordering” out.")]}
            )
        if self.page_query_param in params:
            raise ValidationError({"page": [_("A change feed pages with “cursor”: follow the “next” link.")]})
        if params.get(since_param, "") != "":
            queryset = queryset.filter(**{f"{field}__gte": parse_since(since_param, params[since_param])})
        queryset = queryset.order_by(field, "pk")
        self.count, self.count_capped = capped_count(queryset)
        if params.get(self.cursor_query_param, "") != "":
            moment, pk = decode_cursor(self.cursor_query_param, params[self.cursor_query_param])
            queryset = queryset.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
        size = self.get_page_size(request)
        rows = list(queryset[: size + 1])
        self.request = request
        self.next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            self.next_cursor = encode_cursor(getattr(last, field), last.pk)
        return rows

    def get_next_link(self):
        if not getattr(self, "sync", False):
            return super().get_next_link()
        if self.next_cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data):
        if not getattr(self, "sync", False):
            return super().get_paginated_response(data)
        return Response(
            {
                "count": self.count,
                "count_capped": self.count_capped,
                "next": self.get_next_link(),
                "previous": None,
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        field, since_param = self._settings(view)
        if getattr(view, "always_sync", False):
            parameters = [p for p in parameters if p["name"] != self.page_query_param]
        else:
            parameters.append(
                {
                    "name": since_param,
                    "required": False,
                    "in": "query",
                    "description": f"Only rows whose {field} is at or after this time (ISO 8601, or a date), "
                    f"oldest first by ({field}, id), paged with `cursor`: a change feed (see docs/api.md).",
                    "schema": {"type": "string", "format": "date-time"},
                }
            )
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a change feed goes on: copy it from the `next` link.",
                "schema": {"type": "string"},
            }
        )
        return parameters
