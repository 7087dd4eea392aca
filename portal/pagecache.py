"""Whole public pages from the cache, keyed on the data versions they depend on.

A visitor without a session (anyone but staff) asking for a public page gets the page as it
was rendered for the same path and query under the same data versions: one cache read (kept
for PAGE_SECONDS). Browsers revalidate every time and a CDN keeps a page for SHARED_SECONDS
(`Cache-Control: public, max-age=0, s-maxage=…`); ConditionalGetMiddleware gives each page an
ETag of its content and answers a revalidation with a 304 when it is unchanged. There is no
Last-Modified, nor an ETag made of the versions: either would tell when a group's data last
changed, and so time a lone report's approval.
"""

import hashlib
import time
from contextlib import nullcontext
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from portal import versions
from portal.routers import replica_lag_ns, replica_reads

FORMAT = 1
PAGE_SECONDS = 15 * 60  # also bounds how long a posting past its closing day can linger
SHARED_SECONDS = 60


def page_key(request, stamp) -> str:
    # Keys sorted, values in the order given: compare keeps the visitor's order of countries.
    query = [(k, request.GET.getlist(k)) for k in sorted(request.GET)]
    text = f"{FORMAT}|{stamp}|{request.get_host()}|{request.path}|{query}"
    return hashlib.sha256(text.encode()).hexdigest()


def public_page(*scopes_of):
    """Cache a view's page under the versions of the scopes `scopes_of(request, **kwargs)`
    returns (or fixed scope names): a callable returns one scope, or a list of them."""

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or (
                settings.SESSION_COOKIE_NAME in request.COOKIES
            ):
                return view(request, *args, **kwargs)  # staff see pages as they are now
            scopes: list[str] = []
            for scope_of in scopes_of:
                found = scope_of(request, *args, **kwargs) if callable(scope_of) else scope_of
                scopes.extend([found] if isinstance(found, str) else found)
            stamp = versions.stamp(*scopes)
            key = "page:" + page_key(request, stamp)
            cached = cache.get(key)
            request.page_cache = "miss" if cached is None else "hit"  # for the request log
            if cached is None:
                fresh = time.time_ns() - max(stamp) < replica_lag_ns()
                with nullcontext() if fresh else replica_reads():
                    response = view(request, *args, **kwargs)
                if (
                    response.status_code != 200
                    or response.streaming
                    or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a form's token: its own
                ):
                    return response
                cache.set(key, (response.content, response["Content-Type"]), PAGE_SECONDS)
            else:
                content, content_type = cached
                response = HttpResponse(content, content_type=content_type)
            response["Cache-Control"] = f"public, max-age=0, s-maxage={SHARED_SECONDS}"
            return response

        return cached_view

    return decorator


def landing_scope(request, role_slug, country_code=None) -> str:
    return versions.scope_of(role_slug, country_code or "")


def role_scope(request, *args, **kwargs) -> str:
    """The scope of a page about one role in any countries (compare)."""
    roles = request.GET.getlist("role")
    return versions.scope_of(roles[0] if len(roles) == 1 else "")


def from_query(request, *args, **kwargs) -> str:
    """The scope of a page filtered by ?role=…&country=… (one of each, or it is "all")."""
    role, country = request.GET.getlist("role"), request.GET.getlist("country")
    return versions.scope_of(
        role[0] if len(role) == 1 else "", country[0] if len(country) == 1 else ""
    )
