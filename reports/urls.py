from django.urls import path

from reports import evidence_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("highlights/<str:code>/", views.highlights, name="highlights"),
    path("highlights/<str:code>/edit/", views.highlights_edit, name="highlights-edit"),
    path("highlights/<str:code>/report.docx", views.highlights_docx, name="highlights-docx"),
    path("highlights/<str:code>/report.pdf", views.highlights_pdf, name="highlights-pdf"),
    path("evidence/<str:code>/<slug:scheme>/", evidence_views.evidence, name="evidence"),
    path("evidence/<str:code>/<slug:scheme>/pack.zip", evidence_views.evidence_zip, name="evidence-zip"),
]
