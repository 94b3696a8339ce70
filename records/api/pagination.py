"""Paging: `page` and `page_size` (capped); CSV lists come in larger pages.

`count` is exact up to records.paging.COUNT_CAP and that cap beyond it, with `count_capped`
saying which (a COUNT(*) over millions of rows reads them all). Pages past the cap stay valid;
a walk over a whole table follows the change feed's cursor instead (?updated_since=, sync.py),
which costs the same at any depth.
"""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination

from records.paging import CappedPaginator


class PortalPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    django_paginator_class = CappedPaginator

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) == "csv":
            asked = super().get_page_size(request) if self.page_size_query_param in request.query_params else None
            return min(asked or settings.API_CSV_MAX_ROWS, settings.API_CSV_MAX_ROWS)
        return super().get_page_size(request)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            "Exact up to 10,000; 10,000 beyond it (then `count_capped` is true)."
        )
        answer["properties"]["count_capped"] = {"type": "boolean", "example": False}
        return answer
