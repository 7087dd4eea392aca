from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from salaries import figures
from salaries.forms import FindForm, OfferForm


@require_safe
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
