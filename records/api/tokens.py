"""The page where a user sees their API tokens (created, expiry, never the secret) and revokes them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from knox.models import get_token_model
from knox.settings import knox_settings

from audit.models import AuditEntry
from branches.access import open_to_metrics_clients

SHOWN_CHARS = 6  # of the token's public lookup key: enough to tell tokens apart, useless to log in


def token_label(token) -> str:
    return token.token_key[:SHOWN_CHARS] + "…"


def token_audit(user, action: str, token) -> None:
    AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=action,
        object_repr=_("API token %(label)s") % {"label": token_label(token)},
    )


def token_revoke(*, user, digest: str) -> bool:
    """Revoke one of the user's own tokens; another user's token is as good as absent."""
    token = get_token_model().objects.filter(user=user, digest=digest).first()
    if token is None:
        return False
    token_audit(user, AuditEntry.Action.DELETE, token)
    token.delete()
    return True


@open_to_metrics_clients
@login_required
@require_http_methods(["GET", "HEAD"])
def token_list(request):
    tokens = get_token_model().objects.filter(user=request.user).order_by("-created")
    rows = [{"label": token_label(t), "created": t.created, "expiry": t.expiry, "digest": t.digest} for t in tokens]
    context = {
        "tokens": rows,
        "token_ttl_days": knox_settings.TOKEN_TTL.days if knox_settings.TOKEN_TTL else "∞",
        "login_url": reverse("api:login"),
    }
    return render(request, "api/tokens.html", context)


@open_to_metrics_clients
@login_required
@require_POST
def token_revoke_view(request):
    if token_revoke(user=request.user, digest=request.POST.get("token", "")[:128]):
        messages.success(request, _("The token is revoked: clients using it are refused from now on."))
    else:
        messages.error(request, _("No such token."))
    return redirect("api:tokens")
