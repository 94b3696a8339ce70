from django.urls import path

from reminders import reopen, views

app_name = "reminders"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.mark_all, name="read-all"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/mark/", views.mark, name="mark"),
    path("reopen/<slug:kind>/<int:pk>/", reopen.request_reopen_view, name="request-reopen"),
]
