import logging

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotFound
from django.shortcuts import render

# Methods no page answers: TRACE would echo a request's headers (cookies included) back.
REFUSED_METHODS = {"TRACE", "TRACK", "CONNECT"}
# whitenoise serves every file under STATIC_ROOT, the file manifest too: it lists every asset
# and is for the server alone.
PRIVATE_STATIC_FILES = {"staticfiles.json"}

database_log = logging.getLogger("talab.database")


class HardeningMiddleware:
    """Headers and refusals every response gets: Permissions-Policy, 405 for TRACE, 404 for
    the static files manifest."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.private_static = {
            settings.STATIC_URL.strip("/") + "/" + name for name in PRIVATE_STATIC_FILES
        }

    def __call__(self, request):
        response: HttpResponse
        if request.method in REFUSED_METHODS:
            response = HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        elif request.path.strip("/") in self.private_static:
            response = HttpResponseNotFound()
        else:
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# SQLSTATEs of a connection the server ended or would not take: admin_shutdown, crash_shutdown
# and cannot_connect_now (57P01-57P03: the server is stopping or still starting), and
# too_many_connections (53300). The whole class 08 (connection exceptions) counts too.
LOST_CONNECTION_STATES = {"57P01", "57P02", "57P03", "53300"}


def is_lost_connection(exception) -> bool:
    """Whether a database error means the database cannot be reached now (503, try again),
    rather than that this request's query failed (500, logged): a statement timeout (57014) or
    a program limit (54000, such as a tsvector over 1 MB) is the second kind, though psycopg
    raises both as OperationalError too."""
    if isinstance(exception, InterfaceError):
        return True  # Django's "connection already closed"
    if not isinstance(exception, OperationalError):
        return False
    # Django re-raises the driver's error from itself. The driver gives no SQLSTATE when it
    # could not connect or the connection broke ("server closed the connection unexpectedly").
    cause = exception.__cause__
    if not isinstance(cause, psycopg.OperationalError):
        return False
    state = cause.sqlstate
    return state is None or state.startswith("08") or state in LOST_CONNECTION_STATES


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page, not a traceback, while the database is unreachable.

    Persistent connections are health-checked (CONN_HEALTH_CHECKS), so once the database is
    back the next request reconnects without restarting gunicorn.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_lost_connection(exception):
            # The class, not the message: a driver's message may quote the connection string.
            cause = exception.__cause__ or exception
            database_log.warning(
                "database unavailable",
                extra={"error": f"{type(cause).__module__}.{type(cause).__qualname__}"},
            )
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "30"
            return response
        return None
