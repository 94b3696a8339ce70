"""The portal's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.urls import path

from config.urls import handler400  # noqa: F401 (the handlers)
from config.urls import urlpatterns as portal_urlpatterns


def refused(request):
    raise PermissionDenied("not for you")


def suspicious(request):
    raise SuspiciousOperation("tampered")


def broken(request):
    raise RuntimeError("a bug")


def broken_with_the_database(request):
    """A bug in a view while the database is gone: the 500 page must still render."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    raise RuntimeError("a bug")


urlpatterns = [
    path("_errors/refused/", refused),
    path("_errors/suspicious/", suspicious),
    path("_errors/broken/", broken),
    path("_errors/broken-db/", broken_with_the_database),
    *portal_urlpatterns,
]
