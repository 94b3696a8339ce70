"""How the OpenAPI schema describes token authentication: HTTP bearer (what generated clients
send by default) and the same token under knox's `Token` prefix."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PortalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.PortalTokenAuthentication"
    name = ["bearerAuth", "tokenAuth"]
    priority = 1

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]  # either one (OR), not both

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "`Authorization: Bearer <token>`, the token from POST /api/v1/auth/login/.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Authorization: Token <token>`: the same token under knox's prefix.",
            },
        ]
