from django.urls import include, path

from records.pages import records
from records.pages.urls import photo_patterns
from volunteering import views

app_name = "volunteering"

List, New, Detail, Edit, Delete = (
    records.RecordListView,
    records.RecordCreateView,
    records.RecordDetailView,
    records.RecordUpdateView,
    records.RecordDeleteView,
)
VA, TM = views.VOLUNTEER_ACTIVITIES, views.TEAMS

urlpatterns = [
    path("volunteer-activities/", List.as_view(**VA), name="volunteer-activities-list"),
    path("volunteer-activities/new/", New.as_view(**VA), name="volunteer-activities-new"),
    path("volunteer-activities/<entry_id:pk>/", Detail.as_view(**VA), name="volunteer-activities-detail"),
    path("volunteer-activities/<entry_id:pk>/edit/", Edit.as_view(**VA), name="volunteer-activities-edit"),
    path("volunteer-activities/<entry_id:pk>/delete/", Delete.as_view(**VA), name="volunteer-activities-delete"),
    path("teams/", List.as_view(**TM), name="teams-list"),
    path("teams/new/", New.as_view(**TM), name="teams-new"),
    path("teams/<entry_id:pk>/", Detail.as_view(**TM), name="teams-detail"),
    path("teams/<entry_id:pk>/edit/", Edit.as_view(**TM), name="teams-edit"),
    path("teams/<entry_id:pk>/delete/", Delete.as_view(**TM), name="teams-delete"),
    path("<slug:kind>/<entry_id:pk>/photos/", include(photo_patterns)),
]
