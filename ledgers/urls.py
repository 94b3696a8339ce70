from django.urls import path

from ledgers import views

app_name = "ledgers"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="import"),
    path("import/<str:token>/", views.job_page, name="job"),
    path("import/<str:token>/status/", views.job_status, name="job-status"),
    path("import/<str:token>/commit/", views.commit, name="commit"),
    path("<slug:slug>/template.xlsx", views.template, name="template"),
    path("<slug:slug>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("<slug:slug>/export.csv", views.export, {"fmt": "csv"}, name="export-csv"),
    path("<slug:slug>/export/", views.export_build, name="export-build"),
]
