from django.contrib import admin
from django.urls import include, path

from config import views
from config.health import healthz
from records.pages.choosers import branch_choices, record_choices
from records.pages.staff_choosers import staff_choices

handler400 = views.bad_request
handler500 = "config.outage.server_error"  # a database outage outside a view is a 503 too

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("choices/branches/", branch_choices, name="branch-choices"),
    path("choices/staff/", staff_choices, name="staff-choices"),
    path("choices/<slug:kind>/", record_choices, name="record-choices"),
    path("services/", include("services.urls")),
    path("antifraud/", include("antifraud.urls")),
    path("volunteering/", include("volunteering.urls")),
    path("study/", include("study.urls")),
    path("partnerships/", include("partnerships.urls")),
    path("branches/", include("honours.urls")),
    path("submissions/", include("submissions.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("reminders.urls")),
    path("api/v1/ledgers/", include("ledgers.api.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
