"""The OpenAPI schema and Swagger UI, served by the app from drf-spectacular-sidecar (no CDN).

Swagger UI's start-up script is served as a script file (drf-spectacular's split view), so it
runs under our Content-Security-Policy of script-src 'self' with no inline code.
"""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from branches.access import open_to_metrics_clients


@open_to_metrics_clients
class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document of this API, served to anyone: it describes no data, and client
    generators fetch it without credentials. It is the same whoever reads it in whichever
    language (portal/api/schema_names.py); only descriptions are translated."""

    permission_classes = (AllowAny,)
    authentication_classes = ()


@open_to_metrics_clients
class SwaggerView(SpectacularSwaggerSplitView):
    permission_classes = (AllowAny,)  # the page holds no data; the schema it loads needs a login
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)
