"""Logs an operator can read, holding nothing that identifies a visitor.

One line per request (logger "talab.requests") says which page (the URL pattern's name, never
the path: a private link's path is its key), how it ended and where the time went. Other
"talab.*" loggers tell of moderation decisions, imports and backups. LOG_FORMAT=json prints
one JSON object per line for a log collector; otherwise `level logger message key=value`.

Never logged: client addresses, query strings, cookies, headers, paths. Error reports to
Sentry go through `scrub_event` for the same reasons.
"""

import json
import logging
import re
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.db import connections
from django.urls import Resolver404, resolve

requests_log = logging.getLogger("talab.requests")

# Every LogRecord has these; the rest of its attributes are the `extra` fields of the call.
# "request" is Django's (django.request, django.security): its repr holds the path.
STANDARD_ATTRIBUTES = {
    *vars(logging.LogRecord("", 0, "", 0, "", (), None)),
    *("message", "asctime", "taskName", "request"),
}
# URL parameters that are secrets: whoever holds a private link's key may act on its row.
SECRET_PARAMETERS = {"link"}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")  # "<str:link>" in a route
URL_IN_TEXT = re.compile(r"(https?://[^/\s'\"]+)?(/[^\s'\"?#]*)(\?[^\s'\"#]*)?")


def public_path(path: str) -> str:
    """The path of a page, its route for a private link ("/salaries/reports/<link>/"), and
    "<unmatched>" for a path no page has: that is whatever a visitor typed (a mistyped key)."""
    try:
        match = resolve(unquote(path))
    except (Resolver404, ValueError):
        return "<unmatched>"
    if SECRET_PARAMETERS.isdisjoint(match.kwargs):
        return path
    # The route is the pattern's text: it never holds the value of a parameter.
    return "/" + PARAMETER.sub(r"<\1>", match.route)


def public_url(url: str) -> str:
    """The URL with a private link's key replaced by its route, and no query or fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, public_path(parts.path), "", ""))


def scrub_text(text: str) -> str:
    """Paths in free text (Django's "Not Found: /salaries/reports/…/") made public, their
    query strings dropped."""
    return URL_IN_TEXT.sub(lambda m: (m[1] or "") + public_path(m[2]), text)


# Formatters ---------------------------------------------------------------------------------


def message_of(record: logging.LogRecord) -> str:
    # Django's own records name the path in the message; ours never do, so only theirs pay
    # for the rewrite.
    message = record.getMessage()
    return scrub_text(message) if hasattr(record, "request") else message


def extra_fields(record: logging.LogRecord) -> dict:
    # Plain values only: an object's repr may carry a path or an address (a request's does).
    return {
        key: value
        for key, value in vars(record).items()
        if key not in STANDARD_ATTRIBUTES and isinstance(value, str | int | float | bool | None)
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, extra fields."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message_of(record),
            **extra_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`INFO talab.requests request method=GET route=home status=200 …`, for people."""

    def format(self, record):
        fields = [f"{key}={plain(value)}" for key, value in extra_fields(record).items()]
        line = " ".join([record.levelname, record.name, message_of(record), *fields])
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def plain(value) -> str:
    text = str(value)
    return json.dumps(text) if not text or re.search(r"[\s=\"]", text) else text


# The request log ----------------------------------------------------------------------------


class DatabaseTime:
    """Counts the queries a request runs and the time they take (an execute wrapper)."""

    seconds, queries = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


class RequestLogMiddleware:
    """One line per request on "talab.requests". First in MIDDLEWARE, so it sees everything:
    static files, redirects, refusals, 404s and 503s. For a streamed response (a static file)
    the duration ends when the body starts to go out."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        start, database = time.perf_counter(), DatabaseTime()
        status = 500  # unless a response comes back
        try:
            with ExitStack() as stack:
                for connection in connections.all():
                    stack.enter_context(connection.execute_wrapper(database))
                response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            fields = {
                "method": request.method,
                "route": self.route(request),
                "status": status,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "db_ms": round(database.seconds * 1000, 1),
                "db_queries": database.queries,
            }
            cache = getattr(request, "page_cache", None)  # set by portal.pagecache
            if cache:
                fields["cache"] = cache
            requests_log.info("request", extra=fields)

    def route(self, request) -> str:
        # The pattern's name ("salaries:report_status"), or the view's dotted path for an
        # unnamed pattern: never the path itself.
        if request.resolver_match:
            return request.resolver_match.view_name
        return "static" if request.path_info.startswith(self.static_prefix) else "unmatched"


# Sentry -------------------------------------------------------------------------------------

# Headers that carry a client's address or credentials.
DROPPED_HEADERS = {"x-forwarded-for", "x-real-ip", "forwarded", "true-client-ip"} | {
    "cf-connecting-ip", "x-client-ip", "cookie", "authorization", "x-csrftoken"
}  # fmt: skip
SHORTEST_SECRET = 8  # our keys have 22 characters; a shorter value is nobody's key


def scrub_event(event, hint):
    """Sentry's before_send: no client address, query string, cookie or form data, and no
    private link's key, wherever the event would carry it (URL, Referer, transaction name,
    breadcrumbs, exception messages)."""
    user = event.get("user") or {}
    for key in ("ip_address", "email", "username"):
        user.pop(key, None)
    request = event.get("request") or {}
    secrets = set()
    if request.get("url"):
        secrets |= secret_values(urlsplit(request["url"]).path)
        request["url"] = public_url(request["url"])
    for key in ("query_string", "cookies", "data"):  # data: what a visitor typed in a form
        request.pop(key, None)
    (request.get("env") or {}).pop("REMOTE_ADDR", None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in DROPPED_HEADERS:
            del headers[name]
        elif name.lower() == "referer" and isinstance(headers[name], str):
            secrets |= secret_values(urlsplit(headers[name]).path)
            headers[name] = public_url(headers[name])
    # A transaction is named by its route ("/salaries/reports/{link}/") unless none matched.
    if (event.get("transaction_info") or {}).get("source") == "url":
        event["transaction"] = public_path(event.get("transaction", ""))
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        data = crumb.get("data") or {}
        if isinstance(data.get("url"), str):
            data["url"] = public_url(data["url"])
        if isinstance(crumb.get("message"), str):
            crumb["message"] = scrub_text(crumb["message"])
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)  # locals: a key, an address, a visitor's figures
    return forget(event, secrets) if secrets else event


def secret_values(path: str) -> set[str]:
    try:
        kwargs = resolve(unquote(path)).kwargs
    except (Resolver404, ValueError):
        return set()
    values = {str(kwargs[name]) for name in SECRET_PARAMETERS & kwargs.keys()}
    return {value for value in values if len(value) >= SHORTEST_SECRET}


def forget(value, secrets):
    """The event with every occurrence of a key (in a message, a repr…) replaced."""
    if isinstance(value, dict):
        return {key: forget(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [forget(item, secrets) for item in value]
    for secret in secrets if isinstance(value, str) else ():
        value = value.replace(secret, "<link>")
    return value
