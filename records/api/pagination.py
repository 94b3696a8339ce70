"""Paging: `page` and `page_size` (capped); CSV lists come in larger pages."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) == "csv":
            asked = super().get_page_size(request) if self.page_size_query_param in request.query_params else None
            return min(asked or settings.API_CSV_MAX_ROWS, settings.API_CSV_MAX_ROWS)
        return super().get_page_size(request)
