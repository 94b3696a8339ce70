from django.urls import include, path

from honours import views
from records.pages import records
from records.pages.urls import photo_patterns

app_name = "honours"

HO = views.HONOURS

urlpatterns = [
    path("honours/", records.RecordListView.as_view(**HO), name="honours-list"),
    path("honours/new/", records.RecordCreateView.as_view(**HO), name="honours-new"),
    path("honours/<entry_id:pk>/", views.HonourDetailView.as_view(**HO), name="honours-detail"),
    path("honours/<entry_id:pk>/edit/", records.RecordUpdateView.as_view(**HO), name="honours-edit"),
    path("honours/<entry_id:pk>/delete/", records.RecordDeleteView.as_view(**HO), name="honours-delete"),
    path("<slug:kind>/<entry_id:pk>/photos/", include(photo_patterns)),
]
