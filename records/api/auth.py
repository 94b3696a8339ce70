"""Tokens for API clients (django-rest-knox: stored hashed, expiring, revocable).

`POST /api/v1/auth/login/` goes through Django's authenticate, so django-axes counts the
failures and locks username + IP out after too many; the lockout is answered here as JSON 429.
"""

from django.contrib.auth import authenticate, user_logged_in, user_logged_out
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import extend_schema
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from audit.models import AuditEntry
from branches.access import open_to_metrics_clients
from core.cache_control import NO_STORE
from core.client_address import client_ip
from records.api.authentication import PortalTokenAuthentication
from records.api.exceptions import LoginLocked
from records.api.tokens import token_audit


class PortalTokenScheme(OpenApiAuthenticationExtension):
    """The token under either scheme: HTTP bearer (what generated clients send by default) or
    knox's `Token` prefix."""

    target_class = "records.api.authentication.PortalTokenAuthentication"
    name = ["bearerAuth", "tokenAuth"]

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]  # either one (OR), not both

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer <token>`."},
            build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token"),
        ]


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send as `Authorization: Bearer <token>` (or `Token <token>`); shown only this once."
    )
    expiry = serializers.DateTimeField(allow_null=True)
    username = serializers.CharField()


def active_tokens(user):
    return get_token_model().objects.filter(user=user).filter(Q(expiry__gt=timezone.now()) | Q(expiry__isnull=True))


class ClientAddressRateThrottle(ScopedRateThrottle):
    """The login rate per client address as django-axes sees it (behind the proxy too)."""

    def get_ident(self, request):
        return client_ip(request) or ""


@open_to_metrics_clients
class LoginView(APIView):
    """Exchange a username and password for a token."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ClientAddressRateThrottle,)
    throttle_scope = "api_login"
    error_statuses = {"post": (400, 401, 403, 429)}

    def get_authenticate_header(self, request):
        return knox_settings.AUTH_HEADER_PREFIX

    def get_throttles(self):
        # Only login attempts count towards the limit, not a stray GET.
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request):
        credentials = LoginSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(django_request, **credentials.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            # Answered here as JSON; axes' middleware would otherwise replace the response.
            django_request.axes_locked_out = False
            raise LoginLocked()
        if user is None:
            raise exceptions.AuthenticationFailed(_("Wrong username or password, or the account is inactive."))
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        if limit is not None and active_tokens(user).count() >= limit:
            raise exceptions.PermissionDenied(
                _("You hold %(n)s active tokens, the most allowed: revoke one on the API tokens page first.")
                % {"n": limit}
            )
        instance, token = get_token_model().objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        token_audit(user, AuditEntry.Action.CREATE, instance)
        response = Response(
            TokenSerializer({"token": token, "expiry": instance.expiry, "username": user.get_username()}).data
        )
        response["Cache-Control"] = NO_STORE  # the answer is a secret, though the request had no credentials
        return response


@open_to_metrics_clients
class LogoutView(APIView):
    """Revoke the token this request carries."""

    authentication_classes = (PortalTokenAuthentication,)
    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        token_audit(request.user, AuditEntry.Action.DELETE, request.auth)
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request._request, user=request.user)
        return Response(status=204)


@open_to_metrics_clients
class LogoutAllView(APIView):
    """Revoke every token of the user this request's token belongs to."""

    authentication_classes = (PortalTokenAuthentication,)
    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        for token in request.user.auth_token_set.all():
            token_audit(request.user, AuditEntry.Action.DELETE, token)
            token.delete()
        user_logged_out.send(sender=request.user.__class__, request=request._request, user=request.user)
        return Response(status=204)
