from django.urls import path

from ledgers.api import views

app_name = "ledgers-api"
urlpatterns = [
    path("jobs/<str:token>/", views.LedgerJobView.as_view(), name="job"),
    path("<slug:slug>/import/", views.LedgerImportView.as_view(), name="import"),
    path("<slug:slug>/export.xlsx", views.LedgerExportXlsxView.as_view(), name="export-xlsx"),
    path("<slug:slug>/export.csv", views.LedgerExportCsvView.as_view(), name="export-csv"),
]
