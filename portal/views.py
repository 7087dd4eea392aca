from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from salaries.models import PublishedRange, Role, SalaryObservation
from salaries.statistics import MIN_SAMPLE


@require_GET
def home(request):
    popular_roles = (
        Role.objects.annotate(reports=Count("salaryobservation"))
        .filter(reports__gte=MIN_SAMPLE)
        .order_by("-reports")[:12]
    )
    context = {
        "popular_roles": popular_roles,
        "report_count": SalaryObservation.objects.count(),
        "range_count": PublishedRange.objects.count(),
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"db": "unavailable"}, status=503)
    return JsonResponse({"db": "ok"})


@require_GET
def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)


@require_GET
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")
