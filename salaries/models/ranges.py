"""What published sources say about a group's pay: ranges (with their normalized yearly, USD
and PPP bounds) and pay gaps between two roles, which are percentages and never money."""

from decimal import Decimal

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import get_language, gettext
from django_countries.fields import CountryField

from salaries.conversion import ConversionTable
from salaries.models.normalized import NormalizedFact
from salaries.models.reference import EmploymentType, Level, PayBasis
from salaries.models.roles import Role
from salaries.models.sources import Source


class PublishedRangeQuerySet(models.QuerySet):
    def matching(
        self,
        role=None,
        country="",
        city=None,
        levels=(),
        industry=None,
        year_min=None,
        year_max=None,
        years=(None, None),
        pay_basis="",
        employment_types=(),
    ):
        """Ranges relevant to a search. A range that does not narrow a dimension (no level,
        no city, no industry) speaks for all of it, so it matches too."""
        qs = self
        if role:
            qs = qs.filter(role=role)
        if country:
            qs = qs.filter(country=country)
        if city:
            qs = qs.filter(Q(city=city) | Q(city__isnull=True))
        if levels:
            qs = qs.filter(Q(level__in=levels) | Q(level=""))
        if industry:
            qs = qs.filter(Q(industry=industry) | Q(industry__isnull=True))
        if year_min:
            qs = qs.filter(year__gte=year_min)
        if year_max:
            qs = qs.filter(year__lte=year_max)
        least, most = years
        if least is not None:  # its band of experience reaches up to `least`, or is unstated
            qs = qs.filter(Q(years_max__gte=least) | Q(years_max__isnull=True))
        if most is not None:
            qs = qs.filter(Q(years_min__lte=most) | Q(years_min__isnull=True))
        if pay_basis:
            qs = qs.filter(Q(pay_basis=pay_basis) | Q(pay_basis=""))
        if employment_types:
            qs = qs.filter(Q(employment_type__in=employment_types) | Q(employment_type=""))
        return qs.select_related(
            "source", "role", "currency", "city", "industry", "exchange_rate", "ppp_factor"
        ).in_reading_order()

    def in_reading_order(self):
        """Salaried pay before freelance and contract rates; then by country and level, from
        ranges for every level to the most senior."""
        levels = [When(level="", then=Value(0))] + [
            When(level=value, then=Value(index)) for index, value in enumerate(Level.values, 1)
        ]
        return self.alias(
            freelance=Q(employment_type__in=PublishedRange.SELF_EMPLOYED),
            level_rank=Case(*levels, default=Value(99)),
        ).order_by("freelance", "country", "level_rank", "low")


class PublishedRange(NormalizedFact):
    """A range a published source gives for a group, e.g. NPR 70,000-160,000 a month."""

    country = CountryField(blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="e.g. England")
    years_min = models.PositiveSmallIntegerField(null=True, blank=True)
    years_max = models.PositiveSmallIntegerField(null=True, blank=True)
    pay_basis = models.CharField(max_length=5, choices=PayBasis.choices, blank=True)
    low = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    high_from = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text="When the source gives the top end as a range of its own (₹10 lakh to ₹20-25 "
        "lakh): where that top range starts; `high` is where it ends",
    )  # fmt: skip
    open_ended = models.BooleanField(
        default=False, help_text="The source says pay can go above the high bound (or has none)"
    )
    seed_key = models.SlugField(
        max_length=80, blank=True, editable=False,
        help_text="The row of a seed file this range came from: loaders find it by this, so an "
        "editor's changes to the range are kept",
    )  # fmt: skip
    label = models.CharField(max_length=120, help_text="A short description in our own words")
    label_ne = models.CharField(
        "label in Nepali", max_length=120, blank=True,
        help_text="Shown on the Nepali pages; empty: the English label is shown there too",
    )  # fmt: skip
    yearly_low = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    yearly_high = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    usd_low = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    usd_high = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    ppp_low = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    ppp_high = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    objects = PublishedRangeQuerySet.as_manager()

    class Meta:
        ordering = ["country", "role", "level", "low"]
        constraints = [
            models.CheckConstraint(
                condition=Q(low__isnull=False) | Q(high__isnull=False),
                name="published_range_has_a_bound",
            ),
            models.UniqueConstraint(
                fields=["source", "seed_key"],
                condition=~Q(seed_key=""),
                name="published_range_unique_seed_key",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                name="published_range_low_not_above_high",
            ),
            models.CheckConstraint(
                condition=Q(high_from__isnull=True)
                | (
                    Q(high__isnull=False, high_from__lte=F("high"))
                    & (Q(low__isnull=True) | Q(low__lte=F("high_from")))
                ),
                name="published_range_top_range_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(low__gt=0), name="published_range_low_positive"
            ),
            models.CheckConstraint(
                condition=Q(years_min__isnull=True)
                | Q(years_max__isnull=True)
                | Q(years_min__lte=F("years_max")),
                name="published_range_years_ordered",
            ),
            models.UniqueConstraint(
                fields=[
                    "source",
                    "role",
                    "country",
                    "city",
                    "region",
                    "level",
                    "years_min",
                    "industry",
                    "pay_basis",
                    "employment_type",
                    "period",
                    "currency",
                    "low",
                    "high",
                ],
                nulls_distinct=False,
                name="published_range_unique_per_source",
            ),  # fmt: skip
        ]

    SELF_EMPLOYED = [EmploymentType.FREELANCE, EmploymentType.CONTRACT]

    def __str__(self):
        return f"{self.label} ({self.source})"

    @property
    def display_label(self) -> str:
        """The label in the page's language: the Nepali one on Nepali pages, where written."""
        return self.label_ne if self.label_ne and get_language() == "ne" else self.label

    @property
    def ppp_country(self):
        return self.country.code or None

    @property
    def kind_of_pay(self) -> str:
        """Salaried pay and freelance or contract rates are read apart."""
        if self.employment_type in self.SELF_EMPLOYED:
            return gettext("Freelance and contract rates")
        return gettext("Salaried pay")

    def high_from_in(self, high):
        """Where the top range starts (`high_from`) in the terms `high`, this range's high
        bound as published or converted, is in: conversion only scales a figure, so the top
        range keeps its proportions. None when the source gave a single top figure."""
        if self.high_from is None or high is None:
            return None
        return Decimal(high) * self.high_from / self.high

    def normalize(self, table: ConversionTable) -> None:
        """Fill the yearly, USD and PPP bounds from the raw ones."""
        for bound in ("low", "high"):
            value = getattr(self, bound)
            converted = (
                table.convert(value, self.period, self.currency_id, self.ppp_country, self.year)
                if value is not None
                else None
            )
            setattr(self, f"yearly_{bound}", converted.yearly if converted else None)
            setattr(self, f"usd_{bound}", converted.usd if converted else None)
            setattr(self, f"ppp_{bound}", converted.ppp if converted else None)
            if converted:
                self.exchange_rate_id = converted.exchange_rate_id
                self.ppp_factor_id = converted.ppp_factor_id


class PublishedPayGapQuerySet(models.QuerySet):
    def involving(self, role, country=""):
        """Gaps a source states between this role and another, here or worldwide."""
        return (
            self.filter(Q(role=role) | Q(compared_to=role), country__in=["", country])
            .select_related("source", "role", "compared_to")
            .order_by("country", "role__name")
        )


class PublishedPayGap(models.Model):
    """A source's statement that one role is paid a percentage more than another, e.g. AI
    engineers 10-15% above machine learning engineers. Kept apart from money figures."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    compared_to = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    country = CountryField(blank=True, help_text="Blank: worldwide")
    low_percent = models.DecimalField(max_digits=5, decimal_places=1)
    high_percent = models.DecimalField(max_digits=5, decimal_places=1)
    year = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120, help_text="A short description in our own words")

    objects = PublishedPayGapQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(low_percent__lte=F("high_percent")), name="pay_gap_low_not_above_high"
            ),
            models.CheckConstraint(
                condition=~Q(role=F("compared_to")), name="pay_gap_between_two_roles"
            ),
            models.UniqueConstraint(
                fields=["source", "role", "compared_to", "country"],
                name="pay_gap_unique_per_source",
            ),
        ]

    def __str__(self):
        return self.label
