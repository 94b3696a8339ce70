from django.urls import path

from dashboards import target_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("<str:code>/", views.dashboard, name="node"),
    path("<str:code>/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("<str:code>/export.csv", views.export_csv, name="export-csv"),
    path("<str:code>/targets/", views.targets, name="targets"),
    path("<str:code>/targets/children/", target_views.children_targets, name="targets-children"),
    path("<str:code>/targets/upload/", target_views.upload_targets, name="targets-upload"),
    path("<str:code>/targets/template.xlsx", target_views.targets_template, name="targets-template"),
]
