"""Token authentication for API clients (imported by REST framework's settings: keep it light)."""

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

# `Token` is knox's own prefix; `Bearer` is what OAuth-minded tools and generated clients send.
SCHEMES = (b"token", b"bearer")


class PortalTokenAuthentication(TokenAuthentication):
    """Knox's token check (hashed, expiring tokens) under either scheme, `Token <token>` or
    `Bearer <token>`. An Authorization header that is present but cannot be read is refused with
    a message saying what is wrong with it, rather than as if no credentials had been sent."""

    def authenticate(self, request):
        header = get_authorization_header(request)
        if not header:
            return None
        parts = header.split()
        if not parts or parts[0].lower() not in SCHEMES:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be “Bearer <token>” or “Token <token>”.")
            )
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed(_("The Authorization header names no token after its scheme."))
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed(_("The token in the Authorization header must not contain spaces."))
        return self.authenticate_credentials(parts[1])

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        return super().authenticate_credentials(token)
