"""URL pieces shared by the apps' urls.py: the `entry_id` converter and a record's photo URLs.

Each app includes `photo_patterns` once under `<slug:kind>/<entry_id:pk>/photos/`; the view
checks that the kind belongs to the app's namespace.
"""

from django.urls import path, register_converter

from records.pages.ids import EntryIdConverter
from records.pages.photos import PhotoDeleteView, PhotoFileView

register_converter(EntryIdConverter, "entry_id")

photo_patterns = [
    path("<entry_id:photo>/", PhotoFileView.as_view(), name="photo-file"),
    path("<entry_id:photo>/thumb/", PhotoFileView.as_view(thumbnail=True), name="photo-thumb"),
    path("<entry_id:photo>/delete/", PhotoDeleteView.as_view(), name="photo-delete"),
]
