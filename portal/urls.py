from django.contrib import admin
from django.urls import include, path

from portal import views
from portal.health import healthz

handler400 = views.bad_request

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("services/", include("services.urls")),
    path("antifraud/", include("antifraud.urls")),
    path("volunteering/", include("volunteering.urls")),
    path("branches/", include("branches.urls")),
    path("submissions/", include("metrics.urls_submissions")),
    path("dashboard/", include("metrics.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("reminders.urls")),
    path("api/v1/ledgers/", include("ledgers.api.urls")),
    path("api/v1/", include("portal.api.urls")),
    path("admin/", admin.site.urls),
]
