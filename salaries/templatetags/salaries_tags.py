import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from salaries import charts
from salaries.money import format_money

register = template.Library()

# The same escapes Django's json_script uses, so data can never close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def money(value, unit_or_currency):
    """{{ amount|money:unit }} with a DisplayUnit, or {{ amount|money:"NPR" }}."""
    if isinstance(unit_or_currency, str):
        return format_money(value, unit_or_currency)
    return unit_or_currency.format(value)


@register.simple_tag
def jsonld(data):
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (pagination, sorting links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.inclusion_tag("salaries/includes/histogram.html")
def histogram(panel, unit):
    """The histogram of a statistics panel, as an SVG chart and a table."""
    return {"bars": charts.histogram_bars(panel.histogram, unit), "panel": panel, "unit": unit}


@register.inclusion_tag("salaries/includes/spread_chart.html")
def spread_chart(breakdown, unit, label):
    """Percentiles per group of a breakdown, as an SVG chart on one scale."""
    rows, height = charts.spread_rows(breakdown.groups)
    return {"rows": rows, "height": height, "unit": unit, "chart_label": label}
