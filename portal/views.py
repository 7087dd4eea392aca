"""Site-wide views: health, robots, the favicon, and the page for a failed form token. The
apps' pages (the home page among them: salaries.views.home) live in the apps."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"db": "unavailable"}, status=503)
    return JsonResponse({"db": "ok"})


@require_safe
def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)


@require_safe
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")


def csrf_failure_page(page):
    """Give a view's form a page of its own when its security token fails: `page(request)`
    answers a POST to the view instead of the site's page (the report form keeps what was
    typed). The outermost decorator of the view."""

    def decorator(view):
        view.csrf_failure_page = page
        return view

    return decorator


def csrf_failure(request, reason=""):
    """The site's own page when a form's security token is missing or old (a page left open
    for hours, cookies blocked): a way back, or the view's own page (csrf_failure_page). The
    token is checked once the URL is resolved, so the view is known."""
    match = getattr(request, "resolver_match", None)
    page = getattr(match.func, "csrf_failure_page", None) if match else None
    if request.method == "POST" and page is not None:
        return page(request)
    return render(request, "403_csrf.html", status=403)
