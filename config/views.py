from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.http import require_http_methods, require_POST

from branches.access import access_for, open_to_metrics_clients
from config.control_characters import refusal
from core.control_characters import ControlCharacterRefused
from dashboards.home import home_for


@open_to_metrics_clients
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    http_method_names = ["get", "post", "head", "options"]  # Django's form views treat PUT as POST


@open_to_metrics_clients
@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@open_to_metrics_clients  # they are sent on to their API tokens: the home page lists records
@login_required
@require_http_methods(["GET", "HEAD"])
def home(request):
    access = access_for(request.user)
    if not access.reads_records:
        return redirect("api:tokens")
    return render(
        request,
        "home.html",
        {
            "memberships": access.memberships,
            "sees_everything": access.sees_everything,
            "home_branch": access.home_branch,
            "home": home_for(request.user),
        },
    )


def bad_request(request, exception):
    """handler400: a refused control character (found while Django parsed a multipart body)
    says where it was; every other 400 is Django's."""
    if isinstance(exception, ControlCharacterRefused):
        return refusal(request, exception)
    return defaults.bad_request(request, exception)
