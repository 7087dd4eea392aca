from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from careers import search
from careers.markers import kinds_in
from careers.models import Guide
from portal import versions
from portal.pagecache import public_page
from salaries import figures
from salaries.models import PublishedRange
from salaries.money import Display, display_unit
from salaries.names import cleaned


@require_safe
@public_page("guides")
def guide_list(request):
    guides = Guide.objects.published().select_related("role").order_by("title")
    return render(request, "careers/list.html", {"guides": guides})


@require_safe
@public_page(versions.ALL, "guides")  # its markers may show any group's figures
def guide_detail(request, slug):
    guide = get_object_or_404(Guide.objects.published(), slug=slug)
    return guide_page(request, guide)


def guide_page(request, guide, preview=False):
    """A guide beside live figures for its role and country; `preview` (staff, in the admin)
    shows drafts, and figure markers that cannot be read with the reason."""
    country = guide.country.code or ""
    unit = display_unit(Display.LOCAL if country else Display.USD, country)
    query = figures.Criteria.for_group(unit, role=guide.role, country=country)
    canonical = request.build_absolute_uri(guide.get_absolute_url())
    answered = guide.answered_questions(staff=preview)
    context = {
        "guide": guide,
        "body": guide.body_html(staff=preview),
        "preview": preview,
        "role": guide.role,
        "country_name": guide.country.name if country else "",
        "unit": unit,
        "panel": figures.panel(query),
        "by_level": figures.by_level(query),
        # Shown at the end unless the text already shows them where it discusses them.
        "published_ranges": []
        if "ranges" in kinds_in(guide.body)
        else PublishedRange.objects.matching(role=guide.role, country=country),
        "answered": answered,
        "related": guide.related.published(),
        "canonical": canonical,
        "jsonld": guide.jsonld(canonical, answered),
    }
    return render(request, "careers/detail.html", context)


@require_safe
def site_search(request):
    query = cleaned(request.GET.get("q", ""))
    match, results = search.search(query)
    return render(request, "careers/search.html", {"query": query, "results": results})
