from django import template

from careers.models import Guide

register = template.Library()


@register.inclusion_tag("careers/includes/related_guides.html")
def related_guides(role, country=""):
    """Guides for a salary page. A template tag, so that salaries' code never imports careers."""
    return {"guides": Guide.objects.related_to(role, country)[:5]}
