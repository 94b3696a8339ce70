from django.urls import include, path

from antifraud import views
from records.pages import records
from records.pages.urls import photo_patterns

app_name = "antifraud"

List, New, Edit, Delete = (
    records.RecordListView,
    records.RecordCreateView,
    records.RecordUpdateView,
    records.RecordDeleteView,
)
IV, AS = views.INTERVENTIONS, views.AWARENESS_SESSIONS

urlpatterns = [
    path("interventions/", List.as_view(**IV), name="interventions-list"),
    path("interventions/new/", New.as_view(**IV), name="interventions-new"),
    path("interventions/<entry_id:pk>/", views.InterventionDetailView.as_view(**IV), name="interventions-detail"),
    path("interventions/<entry_id:pk>/edit/", Edit.as_view(**IV), name="interventions-edit"),
    path("interventions/<entry_id:pk>/delete/", Delete.as_view(**IV), name="interventions-delete"),
    path(
        "interventions/<entry_id:pk>/transition/",
        views.InterventionTransitionView.as_view(**IV),
        name="interventions-transition",
    ),
    path(
        "interventions/<entry_id:pk>/commendation/",
        views.InterventionCommendationView.as_view(**IV),
        name="interventions-commendation",
    ),
    path("awareness-sessions/", List.as_view(**AS), name="awareness-sessions-list"),
    path("awareness-sessions/new/", New.as_view(**AS), name="awareness-sessions-new"),
    path("awareness-sessions/<entry_id:pk>/", records.RecordDetailView.as_view(**AS), name="awareness-sessions-detail"),
    path("awareness-sessions/<entry_id:pk>/edit/", Edit.as_view(**AS), name="awareness-sessions-edit"),
    path("awareness-sessions/<entry_id:pk>/delete/", Delete.as_view(**AS), name="awareness-sessions-delete"),
    path("<slug:kind>/<entry_id:pk>/photos/", include(photo_patterns)),
]
