"""Who may do what through the API, on top of the scope and role checks of the services."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from branches.access import access_for


class ReadOnlyForMetricsClients(BasePermission):
    """Users whose every role is "metrics client" never write, and read only the views open to
    them (aggregates: branches/access.py)."""

    message = _("This account is read-only: metrics clients cannot change data.")

    def has_permission(self, request, view):
        access = access_for(request.user)
        if access.reads_records:
            return True
        if request.method not in SAFE_METHODS:
            return False
        if not access.may_open(view):
            self.message = AGGREGATES_ONLY
            return False
        return True


AGGREGATES_ONLY = _(
    "Metrics clients read aggregates only: metric values, the branch tree, targets and submissions; "
    "not records, photos or ledger exports."
)
