from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from careers.models import Guide
from salaries import statistics
from salaries.models import Level, PublishedRange, SalaryObservation
from salaries.money import Display, display_unit


@require_safe
def guide_list(request):
    guides = Guide.objects.published().select_related("role").order_by("title")
    return render(request, "careers/list.html", {"guides": guides})


@require_safe
def guide_detail(request, slug):
    guide = get_object_or_404(
        Guide.objects.published().select_related("role").prefetch_related("sources"), slug=slug
    )
    country = guide.country.code or ""
    observations = SalaryObservation.objects.filter(role=guide.role)
    if country:
        observations = observations.filter(employee_country=country)
    unit = display_unit(Display.LOCAL if country else Display.USD, country)
    by_level = statistics.breakdown(
        observations,
        unit.value,
        "level",
        labels=Level.label_for,
        order=Level.values,
    )
    context = {
        "guide": guide,
        "role": guide.role,
        "country_name": guide.country.name if country else "",
        "unit": unit,
        "summary": statistics.summarize(observations, unit.value),
        "sources": statistics.sources_of(observations),
        "by_level": by_level,
        "published_ranges": PublishedRange.objects.matching(role=guide.role, country=country),
    }
    return render(request, "careers/detail.html", context)
