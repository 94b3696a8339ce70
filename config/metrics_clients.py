"""A metrics client signed in with the browser (a session) reaches only the views open to it
(branches/access.py); tokens are checked by the API's permission (records/api/permissions.py).
Both ask Access.may_open, the one rule."""

from django.shortcuts import render
from django.views.i18n import set_language

from branches.access import access_for, is_open_to_metrics_clients, open_to_metrics_clients
from records.api.middleware import API_PREFIX, json_error
from records.api.permissions import AGGREGATES_ONLY

open_to_metrics_clients(set_language)  # Django's view: switching the language shows nothing


class MetricsClientMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_open_to_metrics_clients(view_func):
            return None
        if access_for(user).may_open(view_func):
            return None
        if request.path_info.startswith(API_PREFIX):
            return json_error(403, str(AGGREGATES_ONLY))
        return render(request, "portal/metrics_client_refused.html", {"reason": AGGREGATES_ONLY}, status=403)
