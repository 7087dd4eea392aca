"""What a question for figures is: the matching rows, the unit, and the key it is
remembered under."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import QuerySet

from portal import versions
from salaries import statistics
from salaries.models import SalaryObservation
from salaries.money import DisplayUnit
from salaries.remembered import remembered


def canonical_key(values: dict) -> str:
    """A stable text for cleaned form values: empty values dropped, model rows by primary key,
    choices sorted. Two requests asking for the same figures get the same key."""
    parts = []
    for name in sorted(values):
        value = values[name]
        if value in (None, "", [], ()):
            continue
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, list | tuple):
            value = ",".join(sorted(set(map(str, value))))
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        parts.append(f"{name}={value}")
    return "&".join(parts)


@dataclass(frozen=True)
class Query:
    """Validated filters: the matching observations and the unit figures are shown in."""

    observations: QuerySet
    unit: DisplayUnit
    key: str
    scope: str = versions.ALL  # what data its figures depend on (portal.versions)

    @classmethod
    def for_group(cls, unit: DisplayUnit, role=None, country: str = "", levels=()):
        """A role, a country and levels, as guides and comparisons ask for them."""
        observations = SalaryObservation.objects.all()
        if role:
            observations = observations.filter(role=role)
        if country:
            observations = observations.filter(employee_country=country)
        if levels:
            observations = observations.filter(level__in=levels)
        key = canonical_key({"role": role, "country": country, "level": list(levels)})
        return cls(
            observations, unit, key, scope=versions.scope_of(role.slug if role else "", country)
        )

    @property
    def survey(self) -> QuerySet:
        """The matching survey answers (rows their source published one by one) that have
        pay in the unit: what every figure here rests on."""
        return statistics.with_pay(self.observations.survey(), self.unit.value)[0]

    def remember(self, kind: str, compute):
        return remembered(f"{kind}:{self.unit.code}:{self.key}", compute, self.scope)


# What may be shown -------------------------------------------------------------------------
