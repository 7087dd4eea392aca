"""Extra URLs for error-page tests: a view that fails, and one whose database is gone."""

from django.db import OperationalError
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("boom")


def database_gone(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("test/broken/", broken),
    path("test/database-gone/", database_gone),
    *portal_urlpatterns,
]
