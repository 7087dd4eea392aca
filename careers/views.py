from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from careers.models import Guide
from salaries import figures
from salaries.models import PublishedRange
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
    unit = display_unit(Display.LOCAL if country else Display.USD, country)
    query = figures.Query.for_group(unit, role=guide.role, country=country)
    context = {
        "guide": guide,
        "role": guide.role,
        "country_name": guide.country.name if country else "",
        "unit": unit,
        "panel": figures.panel(query),
        "by_level": figures.by_level(query),
        "published_ranges": PublishedRange.objects.matching(role=guide.role, country=country),
    }
    return render(request, "careers/detail.html", context)
