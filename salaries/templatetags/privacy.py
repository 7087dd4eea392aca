"""The privacy thresholds and rules as pages state them, read from salaries.figures.privacy
(and how far a median can be trusted, from salaries.figures.reliability) each time a page is
drawn: a template never types one again.

    {% load privacy %}
    fewer than {% threshold "count" %} people · the quartiles from {% threshold "quartiles" %}
    a fair guide from {% threshold "fair" %} people · a {% threshold "confidence" %}% interval
    rounded to {% threshold "significant_figures" %} significant digits: {{ 87654|rounded }}
"""

from django import template

from salaries.figures import privacy, reliability

register = template.Library()

# The name a template uses -> the rule in salaries.figures.privacy.
THRESHOLDS = {
    "count": "MIN_COUNT",  # a group below it reads "fewer than N" and shows no figure
    "median": "MIN_MEDIAN",
    "quartiles": "MIN_QUARTILES",
    "deciles": "MIN_DECILES",  # the 10th and 90th percentiles and the histogram
    "significant_figures": "SIGNIFICANT_FIGURES",
    "floor": "FLOOR",  # report figures: a smaller group is not computed
    "threshold": "THRESHOLD",  # report figures: the noisy count a group needs to be shown
    "median_from": "MEDIAN_FROM",  # report figures: the noisy count a median needs
    "max_releases": "MAX_RELEASES",
}
# Not privacy rules but labels: how far a median can be trusted (salaries.figures.reliability).
RELIABILITY = {
    "fair": "FAIR_FROM",  # a median from fewer people is a rough guide
    "solid": "SOLID_FROM",
    "confidence": "CONFIDENCE_PERCENT",  # of the median's interval
}


@register.simple_tag
def threshold(name: str) -> int:
    """{% threshold "quartiles" %} -> 10. An unknown name fails the page, never prints ""."""
    if name in RELIABILITY:
        return getattr(reliability, RELIABILITY[name])
    return getattr(privacy, THRESHOLDS[name])


@register.simple_tag
def interval_ranks(people: int) -> tuple[int, int] | None:
    """{% interval_ranks 40 as ranks %} -> (14, 27): the places, from the lowest pay, of the ends
    of the median's interval for that many people (a worked example)."""
    return reliability.median_interval_ranks(people)


@register.filter
def rounded(value) -> str:
    """{{ 87654|rounded }} -> 87,700: a number as the rounding rule shows it."""
    return f"{privacy.round_significant(value):,.0f}"
