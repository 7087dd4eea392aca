"""The fields both kinds of salary fact share, published ranges and individual observations.

An abstract model of its own so that the two fact modules (ranges, observations) each build on
it without importing the other: no statistic can mix the two kinds.
"""

from django.db import models

from salaries.models.reference import (
    City,
    Currency,
    EmploymentType,
    ExchangeRate,
    Industry,
    Level,
    Period,
    PurchasingPowerFactor,
)
from salaries.models.roles import Role
from salaries.models.sources import Source


class NormalizedFact(models.Model):
    """Fields and normalization shared by both kinds of fact."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    role = models.ForeignKey(Role, on_delete=models.PROTECT)
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices, blank=True)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True)
    year = models.PositiveSmallIntegerField(help_text="Year the pay refers to")
    period = models.CharField(max_length=5, choices=Period.choices)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.ForeignKey(
        ExchangeRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ppp_factor = models.ForeignKey(
        PurchasingPowerFactor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
