from django.urls import path

from reports import build_views, evidence_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("highlights/<str:code>/", views.highlights, name="highlights"),
    path("highlights/<str:code>/edit/", views.highlights_edit, name="highlights-edit"),
    path("highlights/<str:code>/report.docx", views.highlights_docx, name="highlights-docx"),
    path("highlights/<str:code>/report.pdf", views.highlights_pdf, name="highlights-pdf"),
    path("evidence/<str:code>/<slug:scheme>/", evidence_views.evidence, name="evidence"),
    path("evidence/<str:code>/<slug:scheme>/pack.zip", evidence_views.evidence_zip, name="evidence-zip"),
    # Documents built in the background (reports/builds.py)
    path("builds/", build_views.build_new, name="build-new"),
    path("builds/<str:token>/", build_views.build_page, name="build"),
    path("builds/<str:token>/status/", build_views.build_status, name="build-status"),
    path("builds/<str:token>/file/", build_views.build_file, name="build-file"),
]
