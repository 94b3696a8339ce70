"""GET /api/v1/: what the API offers, as links, for anyone (it lists names, no data)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from branches.access import open_to_metrics_clients


def resources() -> dict[str, str]:
    from config import api_urls as urls  # the shell: it lists the routes the URLconf holds

    names = {prefix: f"api:{basename}-list" for prefix, _viewset, basename in urls.router.registry}
    names |= {
        "metrics": "api:metrics",
        "deleted": "api:deleted",
        "auth/login": "api:login",
        "schema": "api:schema",
        "docs": "api:docs",
    }
    return names


@open_to_metrics_clients
class ApiRootView(APIView):
    """Every resource of the API with its URL; the schema describes them."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    @extend_schema(
        responses=inline_serializer(
            "ApiRoot",
            {
                "resources": serializers.DictField(
                    child=serializers.URLField(), help_text="Each resource's name and absolute URL."
                ),
                "schema": serializers.URLField(help_text="The OpenAPI document."),
            },
        )
    )
    def get(self, request):
        links = {name: request.build_absolute_uri(reverse(view)) for name, view in resources().items()}
        return Response({"resources": links, "schema": links["schema"]})
