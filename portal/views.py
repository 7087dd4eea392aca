from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal import versions
from portal.pagecache import public_page
from salaries import figures
from salaries.forms import FindForm, OfferForm, SalaryReportForm


@require_safe
@public_page(versions.ALL)
def home(request):
    choices = figures.filter_choices()
    context = {
        **figures.home(),
        "find_form": FindForm(),
        "offer_form": OfferForm(auto_id="offer-%s"),  # beside the find form: ids of its own
        "roles": choices["role"],
        "countries": choices["country"],
    }
    return render(request, "home.html", context)


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


def csrf_failure(request, reason=""):
    """The site's own page when a form's security token is missing or old (a page left open
    for hours, cookies blocked): a way back, and the report form keeps what was typed."""
    if request.method == "POST" and request.path == reverse("salaries:submit"):
        form = SalaryReportForm(request.POST)
        form.is_valid()  # show what was typed, with any problems marked
        context = {**form.page_context(), "expired": True}
        return render(request, "salaries/submit.html", context, status=403)
    return render(request, "403_csrf.html", status=403)
