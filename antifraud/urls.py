from django.urls import path

from antifraud import views
from records.pages.urls import record_patterns

app_name = "antifraud"

urlpatterns = [
    path(
        "interventions/<record_id:pk>/transition/",
        views.InterventionTransitionView.as_view(),
        name="interventions-transition",
    ),
    path(
        "interventions/<record_id:pk>/commendation/",
        views.InterventionCommendationView.as_view(),
        name="interventions-commendation",
    ),
    *record_patterns(app_name),
]
