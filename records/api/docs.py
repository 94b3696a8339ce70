"""The OpenAPI schema and Swagger UI, served by the app from drf-spectacular-sidecar (no CDN).

Swagger UI's start-up script is served as a script file (drf-spectacular's split view), so it
runs under our Content-Security-Policy of script-src 'self' with no inline code.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from branches.access import open_to_metrics_clients

# {(language, version, renderer, media type): (body, Content-Type, Content-Disposition)}
SERVED: dict[tuple, tuple[bytes, str, str]] = {}
SERVED_MAX = 16


def forget_served(**_kwargs) -> None:
    """A changed setting (tests) may change the document: generate it again."""
    SERVED.clear()


setting_changed.connect(forget_served, dispatch_uid="records.api.docs.forget_served")


@open_to_metrics_clients
class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document of this API, served to anyone: it describes no data, and client
    generators fetch it without credentials. It is the same whoever reads it in whichever
    language (portal/api/schema_names.py); only descriptions are translated."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    def _get_schema_response(self, request):
        """The document as bytes, generated once per process for each language, version and
        format asked for (generating it takes a few hundred milliseconds and makes 400 KB).
        It names no user: the view authenticates no one, and the document is public."""
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version, type(request.accepted_renderer), request.accepted_media_type)
        served = SERVED.get(key)
        if served is None:
            response = super()._get_schema_response(request)
            response.accepted_renderer = request.accepted_renderer  # what finalize_response would set
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            response.render()
            served = (response.content, response["Content-Type"], response["Content-Disposition"])
            if len(SERVED) >= SERVED_MAX:  # a version or language asked for by name is each its own
                SERVED.clear()
            SERVED[key] = served
        content, content_type, disposition = served
        return HttpResponse(content, content_type=content_type, headers={"Content-Disposition": disposition})


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
