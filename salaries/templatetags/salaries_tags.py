import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from salaries import charts, conversion
from salaries.money import format_money, format_range

register = template.Library()

# The same escapes Django's json_script uses, so data can never close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def money(value, unit_or_currency):
    """{{ amount|money:unit }} with a DisplayUnit, or {{ amount|money:"NPR" }}."""
    if isinstance(unit_or_currency, str):
        return format_money(value, unit_or_currency)
    return unit_or_currency.format(value)


@register.filter
def compact(value, unit):
    """{{ amount|compact:unit }}: 120k, 12.3 lakh (for chart labels)."""
    return unit.format_compact(value) if value is not None else ""


@register.simple_tag
def pay_range(low, high, currency, published=None):
    """NPR 0.7–1.6 lakh · $120,000 – $160,000 · up to $90,000 · £97,500+ (money.format_range).
    `published`: the PublishedRange these bounds are, as published or converted, so they read
    as its source gave them: "+" on an open top, and a top given as a range of its own
    (₹10 lakh to ₹20–25 lakh)."""
    if published is None:
        return format_range(low, high, currency)
    high_from = published.high_from_in(high)
    return format_range(low, high, currency, published.open_ended, high_from)


@register.filter
def with_article(noun: str) -> str:
    """ "an AI Engineer", "an MLOps Engineer", "a Data Scientist", "a QA Engineer": "an" before
    a vowel sound, an initialism's first letter read as its name."""
    if get_language() != "en":
        return noun  # English articles only
    first = noun.split(maxsplit=1)[0] if noun.strip() else ""
    initialism = len(first) > 1 and first[:2].isupper()
    vowel_sound = first[:1] in ("AEFHILMNORSX" if initialism else "AEIOUaeiou")
    return f"{'an' if vowel_sound else 'a'} {noun}"


@register.filter
def plural_noun(noun: str, count) -> str:
    """ "country" for 1, "countries" for more: the plain English plural of a table heading."""
    if count == 1:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


@register.simple_tag
def jsonld(data):
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def occupation_jsonld(role, country_name, summary, unit):
    """schema.org Occupation with the shown (rounded) pay distribution, for search engines;
    nothing when there is no median to state."""
    if not summary.has_median or unit.is_ppp:
        return ""
    distribution = {
        "@type": "MonetaryAmountDistribution",
        "name": gettext("total gross pay"),
        "currency": unit.code,
        "duration": "P1Y",
    }
    for name, value in [
        ("percentile10", summary.p10),
        ("percentile25", summary.p25),
        ("median", summary.median),
        ("percentile75", summary.p75),
        ("percentile90", summary.p90),
    ]:
        if value is not None:
            distribution[name] = round(value)
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": role.display_name,
        "estimatedSalary": distribution,
    }
    if country_name:
        data["occupationLocation"] = {"@type": "Country", "name": country_name}
    return jsonld(data)


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
    return {"chart": charts.histogram_chart(panel.histogram, unit), "panel": panel, "unit": unit}


@register.inclusion_tag("salaries/includes/based_on.html")
def based_on(panel, unit, style="panel", testid="sample", count_testid="count"):
    """What a panel's figures rest on, as every page says it: how many people, the years they
    span, the sources (once enough people stand behind them) and the unit's rate basis.
    style "panel": a paragraph under a salary page's or a job's figures, with its testids
    (the count's left out when ""); "note": the line under a guide's figures; "inline": inside
    a guide's sentence."""
    if style not in ("panel", "note", "inline"):
        raise template.TemplateSyntaxError(f"based_on: no style {style!r}")
    summary = panel.summary
    years = ""
    if summary.year_min:
        years = str(summary.year_min)
        if summary.year_max != summary.year_min:
            years += f"–{summary.year_max}"
    return {
        "people": summary.people,
        "years": years,
        "sources": panel.sources if summary.people.shown else [],
        "unit": unit,
        "style": style,
        "testid": testid,
        "count_testid": count_testid,
    }


@register.simple_tag
def full_time(name):
    """{% full_time "hours_a_year" %} -> 2,080, the hours an hourly pay is multiplied by;
    also "hours_a_week" and "weeks_a_year" (salaries.conversion)."""
    if name not in ("hours_a_year", "hours_a_week", "weeks_a_year"):
        raise template.TemplateSyntaxError(f"full_time: no {name!r}")
    return f"{getattr(conversion, name.upper()):,}"


@register.inclusion_tag("salaries/includes/spread_chart.html")
def spread_chart(
    groups,
    unit,
    label,
    highest=None,
    marker=None,
    marker_label="",
    band_low=None,
    band_high=None,
    every_group=False,
):
    """Percentiles per group as an SVG chart with a value axis; `highest` shares one scale
    between charts read side by side; `marker` marks a figure (an offer); `band_low` and
    `band_high` shade a range (a job's pay), described in `marker_label`; `every_group` keeps
    a row for each group, even one with no figure (charts.spread_chart)."""
    band = (band_low, band_high) if band_low is not None else None
    chart = charts.spread_chart(
        groups, unit, highest=highest, marker=marker, band=band, every_group=every_group
    )
    return {"chart": chart, "unit": unit, "chart_label": label, "marker_label": marker_label}
