"""URL pieces shared by the kind apps' urls.py: the `record_id` converter, the five pages of every
kind an app registered, and a record's photo URLs.

The photo URLs sit once per app under `<slug:kind>/<record_id:pk>/photos/`; the view checks
that the kind belongs to the app's namespace.
"""

from django.urls import include, path, register_converter

from core.kinds import kinds_of_app
from records.pages import records
from records.pages.ids import RecordIdConverter
from records.pages.photos import PhotoDeleteView, PhotoFileView

register_converter(RecordIdConverter, "record_id")

photo_patterns = [
    path("<record_id:photo>/", PhotoFileView.as_view(), name="photo-file"),
    path("<record_id:photo>/thumb/", PhotoFileView.as_view(thumbnail=True), name="photo-thumb"),
    path("<record_id:photo>/delete/", PhotoDeleteView.as_view(), name="photo-delete"),
]


def record_patterns(app_label: str) -> list:
    """List, new, detail, edit and delete of each kind the app registered, and its photos."""
    patterns = []
    for kind in kinds_of_app(app_label):
        options = {"kind": kind.slug, "form_class": kind.form_class, "columns": kind.list_columns}
        detail = kind.detail_view or records.RecordDetailView
        slug = kind.slug
        patterns += [
            path(f"{slug}/", records.RecordListView.as_view(**options), name=f"{slug}-list"),
            path(f"{slug}/new/", records.RecordCreateView.as_view(**options), name=f"{slug}-new"),
            path(f"{slug}/<record_id:pk>/", detail.as_view(**options), name=f"{slug}-detail"),
            path(f"{slug}/<record_id:pk>/edit/", records.RecordUpdateView.as_view(**options), name=f"{slug}-edit"),
            path(f"{slug}/<record_id:pk>/delete/", records.RecordDeleteView.as_view(**options), name=f"{slug}-delete"),
        ]
    return [*patterns, path("<slug:kind>/<record_id:pk>/photos/", include(photo_patterns))]
