"""No number from the query string is echoed back (issue 15, item 5).

Pages show query parameters back to the user: a filter form's input values, its error messages
("… is not one of the choices"), the links of pagination and sorting, the sign-in form's next
address. A resident ID or mobile number in the query string would come back in full. This
middleware replaces the query with a masked copy before any view reads it: every name and
value through core.privacy.redact (the folded matcher of the free-text rule), request.GET and
the QUERY_STRING that get_full_path() reads alike. Nothing else changes: a query without such a
number is left as it is, so every legitimate filter value works as before, and a masked value
(138****5678) matches no stored record, as the full number could not have either.
"""

from django.http import QueryDict

from core.privacy import redact


def masked_query(query: QueryDict) -> QueryDict | None:
    """A masked copy of the query, or None when nothing in it needs masking."""
    lists = [(redact(key), [redact(v) for v in values]) for key, values in query.lists()]
    if lists == list(query.lists()):
        return None
    masked = QueryDict(mutable=True)
    for key, values in lists:
        masked.setlistdefault(key, []).extend(values)
    masked._mutable = False
    return masked


class QueryMaskingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("QUERY_STRING"):
            masked = masked_query(request.GET)
            if masked is not None:
                request.GET = masked
                request.META["QUERY_STRING"] = masked.urlencode()
        return self.get_response(request)
