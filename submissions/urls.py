from django.urls import path, re_path

from submissions import views

app_name = "submissions"

Action = views.SubmissionActionView

urlpatterns = [
    path("", views.SubmissionIndexView.as_view(), name="index"),
    re_path(r"^(?P<code>[^/]+)/year/(?P<year>[0-9]{4})/$", views.CompletenessYearView.as_view(), name="year"),
    path("<str:code>/<str:month>/", views.SubmissionMonthView.as_view(), name="month"),
    path("<str:code>/<str:month>/submit/", Action.as_view(action="submit"), name="submit"),
    path("<str:code>/<str:month>/nil-return/", Action.as_view(action="nil-return"), name="nil-return"),
    path("<str:code>/<str:month>/approve/", Action.as_view(action="approve"), name="approve"),
    path("<str:code>/<str:month>/return/", Action.as_view(action="return"), name="return"),
    path("<str:code>/<str:month>/reopen/", Action.as_view(action="reopen"), name="reopen"),
]
