from django.urls import path

from dashboards import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("<str:code>/", views.dashboard, name="node"),
    path("<str:code>/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("<str:code>/export.csv", views.export_csv, name="export-csv"),
    path("<str:code>/targets/", views.targets, name="targets"),
]
