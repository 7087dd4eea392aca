from django.db import InterfaceError, OperationalError
from django.shortcuts import render


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
