"""Token authentication for API clients (imported by REST framework's settings: keep it light)."""

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class PortalTokenAuthentication(TokenAuthentication):
    """Knox's token check (hashed, expiring tokens), refusing tokens that are not even text."""

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        return super().authenticate_credentials(token)
