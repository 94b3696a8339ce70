"""Who may do what through the API, on top of the scope and role checks of the services."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from branches.access import access_for


class ReadOnlyForMetricsClients(BasePermission):
    """Users whose every role is "metrics client" read but never write."""

    message = _("This account is read-only: metrics clients cannot change data.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return not access_for(request.user).is_metrics_client_only()
