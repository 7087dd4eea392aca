"""Counts outside the panels: the home page's, the sources table's, the filters' options and
the sitemap's lists, under the same rules."""

from dataclasses import dataclass

from django.utils.translation import gettext
from django_countries import countries

from salaries import statistics
from salaries.figures import privacy
from salaries.figures.privacy import People
from salaries.figures.releases import people_released
from salaries.models import (
    GENERAL_ROLE_SLUG,
    PublishedRange,
    Role,
    SalaryObservation,
    Source,
    SourceKind,
)
from salaries.remembered import COUNTS, COUNTS_SECONDS, remembered


def home() -> dict:
    """The home page's total and the roles with the most people behind them, counted as the
    pages count them."""

    def compute():
        survey = SalaryObservation.objects.survey()
        total = survey.count()
        by_role = statistics.counts_by(["role"], survey)
        roles = Role.objects.listed().in_bulk(by_role)
        top = sorted(
            (n, pk) for pk, n in by_role.items() if n >= privacy.MIN_COUNT and pk in roles
        )[-12:][::-1]
        return {
            "popular_roles": [(roles[pk], n) for n, pk in top],
            "report_count": total,
            "range_count": PublishedRange.objects.count(),
        }

    return remembered("home", compute, COUNTS, COUNTS_SECONDS)


def source_counts() -> list:
    """Every source, with how many observations and ranges come from it; reports sent by
    users are counted as the figures count them (the methodology page)."""

    def compute():
        sources = list(Source.objects.with_fact_counts().order_by("kind", "title"))
        for source in sources:
            if source.kind == SourceKind.USER_REPORT:
                # As released (salaries.figures.releases), never the live count of approvals.
                source.observations = People(people_released())
        return sources

    return remembered("source-counts", compute, COUNTS, COUNTS_SECONDS)


@dataclass(frozen=True)
class Choice:
    """An option of a filter: its value, its name, and how much lies behind it."""

    key: object
    name: str
    note: str  # "1,234 people" or "published estimates"
    people: int = 0  # how many people the figures rest on (0: published estimates only)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.note})"


def people_note(count: int) -> str:
    """ "1,234 people", in the page's language (a choice is offered from MIN_COUNT people)."""
    return gettext("%(people)s people") % {"people": f"{count:,}"}


def filter_choices() -> dict[str, list[Choice]]:
    """The options a filter form offers: only roles, countries, cities, industries and
    companies that some figure rests on, each with how many people (at least MIN_COUNT), or
    "published estimates" for roles and countries known only from published ranges."""

    def compute():
        names = dict(countries)
        role_names = {role.slug: role.display_name for role in Role.objects.listed()}
        survey = SalaryObservation.objects.survey()

        def with_ranges(counts, ranged, name_of):
            # (Only what has a name: the general role is never offered as a role.)
            counts = {k: n for k, n in counts.items() if n >= privacy.MIN_COUNT and k in name_of}
            keys = sorted(set(counts) | set(ranged), key=lambda key: name_of[key].lower())
            estimates = gettext("published estimates")
            return [
                Choice(key, name_of[key],
                       people_note(counts[key]) if key in counts else estimates,
                       counts.get(key, 0))
                for key in keys
            ]  # fmt: skip

        def by_name(fields):
            counts = statistics.counts_by(fields, survey)
            choices = [
                Choice(key[0], ", ".join(map(str, key[1:])), people_note(n), n)
                for key, n in counts.items()
                if n >= privacy.MIN_COUNT and key[0] is not None  # rows with no city say nothing
            ]
            return sorted(choices, key=lambda choice: choice.name.lower())

        return {
            "role": with_ranges(
                statistics.counts_by(["role__slug"], survey),
                PublishedRange.objects.values_list("role__slug", flat=True),
                role_names,
            ),
            "country": with_ranges(
                statistics.counts_by(["employee_country"], survey),
                PublishedRange.objects.exclude(country="").values_list("country", flat=True),
                names,
            ),
            "city": by_name(["city", "city__name", "city__country"]),
            "industry": by_name(["industry__slug", "industry__name"]),
            "company": by_name(["company__slug", "company__name"]),
        }

    return remembered("filter-choices", compute, COUNTS, COUNTS_SECONDS)


def experience_known() -> bool:
    """Whether any survey answer states years of experience: if none does (the aijobs.net
    survey does not), a filter on it could only ever answer "fewer than 5"."""

    def compute():
        return SalaryObservation.objects.survey().filter(years_experience__isnull=False).exists()

    return remembered("experience-known", compute, COUNTS, COUNTS_SECONDS)


def roles_with_figures():
    """Slugs of roles whose page shows figures: a median, or a published range."""
    counts = statistics.counts_by(["role__slug"], SalaryObservation.objects.survey())
    observed = {key for key, n in counts.items() if n >= privacy.MIN_MEDIAN}
    ranged = set(PublishedRange.objects.values_list("role__slug", flat=True))
    return sorted((observed | ranged) - {GENERAL_ROLE_SLUG})


def role_countries_with_figures() -> list[tuple[str, str]]:
    """(role slug, country code) pairs whose page shows figures: a median, or a range."""
    survey = SalaryObservation.objects.survey()
    counts = statistics.counts_by(["role__slug", "employee_country"], survey)
    observed = {key for key, n in counts.items() if n >= privacy.MIN_MEDIAN}
    ranged = PublishedRange.objects.exclude(country="").values_list("role__slug", "country")
    return sorted(key for key in observed | set(ranged) if key[0] != GENERAL_ROLE_SLUG)
