"""What a question for figures is: a frozen, typed set of criteria from which both the matching
rows and the key its figures are remembered under are derived, so the two cannot drift apart.

Filters, guides, comparisons, offers and job panels all build a `Criteria`; nothing else
filters observations for figures or makes a cache key by hand.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import models

from portal import versions
from salaries import statistics
from salaries.models import (
    City,
    Company,
    Industry,
    Role,
    SalaryObservation,
    SalaryObservationQuerySet,
    Source,
)
from salaries.money import DisplayUnit
from salaries.remembered import remembered

Bounds = tuple[Decimal | int | None, Decimal | int | None]
NO_BOUNDS: Bounds = (None, None)
# Choices among which order means nothing: kept sorted, so any order asks the same question.
UNORDERED = ("countries", "levels", "company_sizes", "employment_types")


def _text(value) -> str:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 40000 and 40000.00 are one bound
    if isinstance(value, tuple):
        return ",".join("" if item is None else _text(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class Criteria:
    """Which survey answers a figure rests on, and the unit it is shown in."""

    unit: DisplayUnit
    role: Role | None = None
    countries: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    city: City | None = None
    industry: Industry | None = None
    company: Company | None = None
    source: Source | None = None
    company_sizes: tuple[str, ...] = ()
    employment_types: tuple[str, ...] = ()
    remote: str = ""  # a remote ratio: "0", "50" or "100"
    experience: Bounds = NO_BOUNDS
    years: Bounds = NO_BOUNDS
    pay: Bounds = NO_BOUNDS  # yearly, in the unit

    def __post_init__(self):
        for name in UNORDERED:
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))

    @classmethod
    def for_group(
        cls, unit: DisplayUnit, role=None, country: str = "", levels=(), employment_types=()
    ):
        """A role, a country and levels (and for offers and job panels an employment basis,
        figures.published.basis), as guides, offers and job panels ask for them."""
        countries = (country,) if country else ()
        return cls(
            unit, role=role, countries=countries, levels=tuple(levels),
            employment_types=tuple(employment_types),
        )  # fmt: skip

    @property
    def key(self) -> str:
        """The same question, however it was asked, gives the same text."""
        parts = [f"unit={self.unit.code}"]
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name != "unit" and value not in (None, "", (), NO_BOUNDS):
                parts.append(f"{field.name}={_text(value)}")
        return "&".join(parts)

    @property
    def scope(self) -> str:
        """What data its figures depend on (portal.versions)."""
        country = self.countries[0] if len(self.countries) == 1 else ""
        return versions.scope_of(self.role.slug if self.role else "", country)

    @property
    def rows(self) -> SalaryObservationQuerySet:
        """Every matching observation, reports included (figures use `survey`)."""
        rows: SalaryObservationQuerySet = SalaryObservation.objects.all()
        exact = {
            "role": self.role, "city": self.city, "industry": self.industry,
            "company": self.company, "source": self.source,
            "remote_ratio": int(self.remote) if self.remote else None,
        }  # fmt: skip
        rows = rows.filter(**{name: value for name, value in exact.items() if value is not None})
        among = {
            "employee_country__in": self.countries, "level__in": self.levels,
            "company_size__in": self.company_sizes, "employment_type__in": self.employment_types,
        }  # fmt: skip
        rows = rows.filter(**{name: values for name, values in among.items() if values})
        if self.pay != NO_BOUNDS:
            rows = rows.alias(pay=self.unit.value)
        for column, (low, high) in (
            ("years_experience", self.experience), ("year", self.years), ("pay", self.pay)
        ):  # fmt: skip
            if low is not None:
                rows = rows.filter(**{f"{column}__gte": low})
            if high is not None:
                rows = rows.filter(**{f"{column}__lte": high})
        return rows

    @property
    def survey(self) -> SalaryObservationQuerySet:
        """The matching survey answers (rows their source published one by one) that have
        pay in the unit: what every survey figure rests on."""
        return statistics.with_pay(self.rows.survey(), self.unit.value)[0]

    def remember(self, kind: str, compute):
        return remembered(f"{kind}:{self.key}", compute, self.scope)
