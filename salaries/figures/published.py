"""Published ranges (what articles say a group earns), set beside the survey's figures.

They are the fourth kind of figure: never mixed into a statistic, always read on one employment
basis, and shown in the reader's terms (the currency and period they typed) with the dollars
a year beside them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import pgettext_lazy
from django_countries import countries

from salaries.conversion import ANNUAL_MULTIPLIER, ConversionTable
from salaries.figures.criteria import Criteria
from salaries.figures.privacy import People, Summary
from salaries.models import (
    EmploymentType,
    Level,
    PayBasis,
    Period,
    PublishedRange,
    conversion_table,
)
from salaries.money import DisplayUnit

# Where a figure sits against a range, as a table cell says it ("below", "within", "above").
PLACEMENTS = {
    "below": pgettext_lazy("a figure against a published range", "below"),
    "within": pgettext_lazy("a figure against a published range", "within"),
    "above": pgettext_lazy("a figure against a published range", "above"),
}

# Employment basis -------------------------------------------------------------------------
# Full-time and part-time answers are one basis, "salaried": both are employment on a payroll,
# paid for the job with the employer bearing taxes, leave and equipment, so a yearly salary
# means the same thing in both (part-time answers are few, and a part-time posting set apart
# from them would have no market at all). Freelance and contract rates also cover the worker's
# own overheads and the gaps between engagements, so each is read only against itself. An
# answer or range that does not state its employment type is, as most are, a salary.
SALARIED = (EmploymentType.FULL_TIME, EmploymentType.PART_TIME)


def basis(employment_type: str) -> tuple[str, ...]:
    """The employment types a figure of this type is compared with ("" is "not stated")."""
    if employment_type in PublishedRange.SELF_EMPLOYED:
        return (employment_type,)
    return ("", *SALARIED)


def published_ranges(role, country: str, levels=(), employment_type: str = ""):
    """Published ranges for a group, of the same employment basis only: a salaried question
    (the default) never sees freelance or contract rates, nor those a salaried one."""
    types = basis(employment_type)
    ranges = PublishedRange.objects.matching(
        role=role, country=country, levels=levels, employment_types=[t for t in types if t]
    )
    # `matching` lets a range of unstated type through; that is a salary, not a rate.
    return ranges if "" in types else ranges.exclude(employment_type="")


def estimate(ranges, level: str = "") -> PublishedRange | None:
    """The one range that stands for a group on a chart or in a verdict, from ranges already
    of its role, country and basis: one for the group's level before one for every level; for
    the whole country before a city's, a region's or an industry's; base pay before total
    compensation; the most recent source; then the lowest. The rest stay listed below it."""
    return (
        ranges.filter(level__in=[level, ""] if level else [""])
        .alias(
            other_level=Case(When(level=level, then=Value(0)), default=Value(1))
            if level
            else Value(0, output_field=IntegerField()),
            narrower=Q(city__isnull=False) | ~Q(region="") | Q(industry__isnull=False),
            total_pay=Q(pay_basis=PayBasis.TOTAL),
        )
        .order_by("other_level", "narrower", "total_pay", "-year", "low", "high", "pk")
        .first()
    )


def estimates(role, codes, levels) -> dict:
    """{group key: its salaried estimate} for a comparison's rows, keyed as its groups are:
    a country code, or (code, level) when levels are split."""
    found = {}
    for code in codes:
        ranges = published_ranges(role, code, levels)
        for level in levels or [""]:
            if (chosen := estimate(ranges, level)) is not None:
                found[(code, level) if levels else code] = chosen
    return found


def bounds(published: PublishedRange, unit: DisplayUnit) -> tuple:
    """A range's yearly (low, high) in a page's unit, by the rules every figure follows: USD at
    the rate of the source's year, PPP by the country's factor for it, a local currency as
    published or from USD at the unit's stated rate."""
    if unit.is_ppp:
        return published.ppp_low, published.ppp_high
    if unit.rate is None:
        return published.usd_low, published.usd_high
    if published.currency_id == unit.code:
        return published.yearly_low, published.yearly_high
    return tuple(None if usd is None else usd * unit.rate.units_per_usd
                 for usd in (published.usd_low, published.usd_high))  # fmt: skip


@dataclass(frozen=True)
class QuotedRange:
    """A published range in a reader's currency and period, and where their figure sits."""

    range: PublishedRange
    low: Decimal | None
    high: Decimal | None
    currency: str
    period: str
    placement: str  # "below", "within" or "above"
    rate_year: int | None  # the year of the rate it was converted at; None when not converted

    @property
    def per(self) -> str:
        """ "per month": the period as the reader typed it."""
        return str(Period(self.period).label)

    @property
    def placement_label(self) -> str:
        """ "below", "within" or "above", in the page's language (`placement` is the key)."""
        return str(PLACEMENTS[self.placement])


def quoted(
    published: PublishedRange, amount, currency: str, period: str, table: ConversionTable
) -> QuotedRange | None:
    """`published` in `currency` a `period` (at the rate for the source's year when it is in
    another currency), with where `amount` (in the same terms) sits; None when no rate
    converts it."""
    rate_year = None
    factor = ANNUAL_MULTIPLIER[published.period] / ANNUAL_MULTIPLIER[period]
    if published.currency_id != currency:
        theirs, ours = (
            table.rate(published.currency_id, published.year),
            table.rate(currency, published.year),
        )
        if theirs is None or ours is None:
            return None
        factor = factor * ours[1] / theirs[1]
        rate_year = table.rate_year(
            currency if currency != "USD" else published.currency_id, published.year
        )
    low, high = (
        None if bound is None else (bound * factor).quantize(Decimal(1))
        for bound in (published.low, published.high)
    )
    amount = Decimal(amount)
    if low is not None and amount < low:
        placement = "below"
    elif high is not None and amount > high and not published.open_ended:
        placement = "above"
    else:
        placement = "within"
    return QuotedRange(published, low, high, currency, period, placement, rate_year)


def quoted_all(ranges, amount, currency: str, period: str, table: ConversionTable):
    """Each range in the reader's terms, those no rate converts left out."""
    return [q for r in ranges if (q := quoted(r, amount, currency, period, table)) is not None]


@dataclass(frozen=True)
class RangeCheck:
    """A figure set against a group's published ranges, each in the reader's terms, and the
    one that stands for the group (`estimate`) for a plain verdict."""

    ranges: list[QuotedRange]
    headline: QuotedRange | None


def check_against(ranges, level: str, amount, currency: str, period: str) -> RangeCheck:
    """`amount` (`currency` a `period`) against `ranges` (one basis: published_ranges)."""
    chosen = estimate(ranges, level)
    placed = quoted_all(ranges, amount, currency, period, conversion_table())
    headline = next((q for q in placed if q.range == chosen), None)
    return RangeCheck(placed, headline)


@dataclass(frozen=True)
class Disagreement:
    """A group's median that none of its published ranges holds: the facts of the sentence a
    page warns with."""

    people: People
    placement: str  # "above" or "below" every range, or "between" them, inside none
    role: str
    country: str  # its name
    level: str  # the level's name when the group is one level's; "" otherwise


def disagreement(criteria: Criteria, summary: Summary) -> Disagreement | None:
    """When the group is one role in one country, its shown median set against every published
    range of its role, country, levels and employment basis, in the page's unit; None when one
    range holds it (an open "+" top holds everything above its low), or none can be compared."""
    if not (summary.has_median and criteria.role and len(criteria.countries) == 1):
        return None
    if len({basis(t) for t in criteria.employment_types}) > 1:
        return None  # salaries and freelance rates together: no one basis to compare with
    (country,) = criteria.countries
    employment_type = criteria.employment_types[0] if criteria.employment_types else ""
    sides = set()
    for published in published_ranges(criteria.role, country, criteria.levels, employment_type):
        low, high = bounds(published, criteria.unit)
        if low is None and high is None:
            continue  # no rate or factor converts it into the page's unit
        if low is not None and summary.median < low:
            sides.add("below")
        elif high is not None and not published.open_ended and summary.median > high:
            sides.add("above")
        else:
            return None
    if not sides:
        return None
    (level,) = criteria.levels if len(criteria.levels) == 1 else ("",)
    return Disagreement(
        people=summary.people,
        placement=sides.pop() if len(sides) == 1 else "between",
        role=criteria.role.name,
        country=dict(countries)[country],
        level=Level.label_for(level) if level else "",
    )
