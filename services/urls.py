from django.urls import include, path

from records.pages import records
from records.pages.urls import photo_patterns
from services import views

app_name = "services"

List, New, Detail, Edit, Delete = (
    records.RecordListView,
    records.RecordCreateView,
    records.RecordDetailView,
    records.RecordUpdateView,
    records.RecordDeleteView,
)
HV, OE, FI, LS, CS = (
    views.HOME_VISITS,
    views.OUTREACH_EVENTS,
    views.FINANCING,
    views.LOVE_STATION_TALLIES,
    views.CASH_SERVICES,
)

urlpatterns = [
    path("home-visits/", List.as_view(**HV), name="home-visits-list"),
    path("home-visits/new/", New.as_view(**HV), name="home-visits-new"),
    path("home-visits/<entry_id:pk>/", Detail.as_view(**HV), name="home-visits-detail"),
    path("home-visits/<entry_id:pk>/edit/", Edit.as_view(**HV), name="home-visits-edit"),
    path("home-visits/<entry_id:pk>/delete/", Delete.as_view(**HV), name="home-visits-delete"),
    path(
        "home-visits/follow-ups/",
        views.FollowUpsView.as_view(http_method_names=["get", "head"]),
        name="home-visit-follow-ups",
    ),
    path(
        "home-visits/<entry_id:pk>/follow-up-done/",
        views.FollowUpsView.as_view(http_method_names=["post"]),
        name="home-visit-follow-up-done",
    ),
    path("outreach-events/", List.as_view(**OE), name="outreach-events-list"),
    path("outreach-events/new/", New.as_view(**OE), name="outreach-events-new"),
    path("outreach-events/<entry_id:pk>/", Detail.as_view(**OE), name="outreach-events-detail"),
    path("outreach-events/<entry_id:pk>/edit/", Edit.as_view(**OE), name="outreach-events-edit"),
    path("outreach-events/<entry_id:pk>/delete/", Delete.as_view(**OE), name="outreach-events-delete"),
    path("financing/", List.as_view(**FI), name="financing-list"),
    path("financing/new/", New.as_view(**FI), name="financing-new"),
    path("financing/<entry_id:pk>/", Detail.as_view(**FI), name="financing-detail"),
    path("financing/<entry_id:pk>/edit/", Edit.as_view(**FI), name="financing-edit"),
    path("financing/<entry_id:pk>/delete/", Delete.as_view(**FI), name="financing-delete"),
    path("love-station-tallies/", List.as_view(**LS), name="love-station-tallies-list"),
    path("love-station-tallies/new/", New.as_view(**LS), name="love-station-tallies-new"),
    path("love-station-tallies/<entry_id:pk>/", Detail.as_view(**LS), name="love-station-tallies-detail"),
    path("love-station-tallies/<entry_id:pk>/edit/", Edit.as_view(**LS), name="love-station-tallies-edit"),
    path("love-station-tallies/<entry_id:pk>/delete/", Delete.as_view(**LS), name="love-station-tallies-delete"),
    path("love-station-tallies/tally/", views.TallyPickView.as_view(), name="love-station-tally"),
    path(
        "love-station-tallies/tally/<entry_id:station>/<str:day>/",
        views.TallyView.as_view(),
        name="love-station-tally-day",
    ),
    path("cash-services/", List.as_view(**CS), name="cash-services-list"),
    path("cash-services/new/", New.as_view(**CS), name="cash-services-new"),
    path("cash-services/<entry_id:pk>/", Detail.as_view(**CS), name="cash-services-detail"),
    path("cash-services/<entry_id:pk>/edit/", Edit.as_view(**CS), name="cash-services-edit"),
    path("cash-services/<entry_id:pk>/delete/", Delete.as_view(**CS), name="cash-services-delete"),
    path("<slug:kind>/<entry_id:pk>/photos/", include(photo_patterns)),
]
