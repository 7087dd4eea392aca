"""Extra URLs for error-page tests: a view that fails, one whose database is gone, and
ones whose query the database refuses."""

import psycopg
from django.db import OperationalError, connection, transaction
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("boom")


def database_gone(request):
    # As Django raises it: from the driver's error, which has no SQLSTATE for a lost server.
    raise OperationalError("connection refused") from psycopg.OperationalError(
        "connection failed: connection refused"
    )


# Queries the database refuses while it is up: a tsvector over 1 MB (SQLSTATE 54000) and a
# statement timeout (57014).
FAILING_QUERIES = {
    "tsvector-too-long": [
        "SELECT to_tsvector('simple', string_agg(md5(i::text), ' ')) "
        "FROM generate_series(1, 40000) AS i"
    ],
    "statement-timeout": ["SET LOCAL statement_timeout = 10", "SELECT pg_sleep(1)"],
}


def database_error(request, kind):
    with transaction.atomic(), connection.cursor() as cursor:
        for query in FAILING_QUERIES[kind]:
            cursor.execute(query)


urlpatterns = [
    path("test/broken/", broken),
    path("test/database-gone/", database_gone),
    path("test/database-error/<slug:kind>/", database_error),
    *portal_urlpatterns,
]
