from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from branches.access import access_for
from portal.selectors import latest_records


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    http_method_names = ["get", "post", "head", "options"]  # Django's form views treat PUT as POST


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@login_required
@require_http_methods(["GET", "HEAD"])
def home(request):
    access = access_for(request.user)
    return render(
        request,
        "home.html",
        {
            "memberships": access.memberships,
            "sees_everything": access.sees_everything,
            "home_branch": access.home_branch,
            "latest": latest_records(request.user),
        },
    )
