from django.urls import path

from records.pages.urls import record_patterns
from services import views

app_name = "services"

urlpatterns = [
    path(
        "home-visits/follow-ups/",
        views.FollowUpsView.as_view(http_method_names=["get", "head"]),
        name="home-visit-follow-ups",
    ),
    path(
        "home-visits/<record_id:pk>/follow-up-done/",
        views.FollowUpsView.as_view(http_method_names=["post"]),
        name="home-visit-follow-up-done",
    ),
    path("love-station-tallies/tally/", views.TallyPickView.as_view(), name="love-station-tally"),
    path(
        "love-station-tallies/tally/<record_id:station>/<str:day>/",
        views.TallyView.as_view(),
        name="love-station-tally-day",
    ),
    *record_patterns(app_name),
]
