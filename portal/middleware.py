from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseNotAllowed, HttpResponseNotFound
from django.shortcuts import render

# Methods no page answers: TRACE would echo a request's headers (cookies included) back.
REFUSED_METHODS = {"TRACE", "TRACK", "CONNECT"}
# whitenoise serves every file under STATIC_ROOT, the file manifest too: it lists every asset
# and is for the server alone.
PRIVATE_STATIC_FILES = {"staticfiles.json"}


class HardeningMiddleware:
    """Headers and refusals every response gets: Permissions-Policy, 405 for TRACE, 404 for
    the static files manifest."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.private_static = {
            settings.STATIC_URL.strip("/") + "/" + name for name in PRIVATE_STATIC_FILES
        }

    def __call__(self, request):
        if request.method in REFUSED_METHODS:
            response = HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        elif request.path.strip("/") in self.private_static:
            response = HttpResponseNotFound()
        else:
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


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
        if isinstance(exception, OperationalError | InterfaceError):
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "30"
            return response
        return None
