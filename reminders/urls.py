from django.urls import path

from reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.mark_all, name="read-all"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/mark/", views.mark, name="mark"),
]
