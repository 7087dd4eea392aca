"""Every threshold and rule that decides what may be shown, for survey and report figures.

Survey figures (rows their source published one by one): a count below MIN_COUNT reads
"fewer than MIN_COUNT"; the median needs MIN_MEDIAN people, the quartiles MIN_QUARTILES, the
10th and 90th percentiles and the histogram MIN_DECILES; every statistic is rounded to
SIGNIFICANT_FIGURES significant figures. The median's interval (salaries.figures.reliability)
only between the percentiles shown (interval_ranks).

Report figures (released with differential privacy, salaries.figures.releases): the
parameters below the survey's, with what they cost in privacy.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from salaries import statistics
from salaries.figures.reliability import ROUGH, median_interval_ranks, reliability_of
from salaries.money import in_page_language

if TYPE_CHECKING:  # the type checker's only (django-stubs-ext is a dev tool)
    from django_stubs_ext import StrOrPromise

MIN_COUNT = 5
MIN_MEDIAN = 5
MIN_QUARTILES = 10
MIN_DECILES = 20
SIGNIFICANT_FIGURES = 3


def round_significant(value, digits: int | None = None) -> float | None:
    """123,456 -> 123,000; 10,250 -> 10,300 (halves round up); None stays None. To
    SIGNIFICANT_FIGURES digits unless told otherwise."""
    if value is None:
        return None
    digits = digits or SIGNIFICANT_FIGURES
    value = Decimal(str(value))
    if not value:
        return 0.0
    exponent = math.floor(math.log10(abs(value))) - (digits - 1)
    return float(value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP))


# Report figures: a cell (role, country, level) below FLOOR eligible reports is not computed;
# its noisy count (Laplace, EPSILON_COUNT) must reach THRESHOLD to be shown, so that a cell of
# FLOOR - 1 and one of FLOOR look alike except with probability DELTA; a private median
# (EPSILON_MEDIAN) from a noisy MEDIAN_FROM, the size from which it lands within 10% of the
# true median 9 times in 10 (bench/dp_median.py). A cell is computed again when it grew by
# GROWTH or lost a report; each report takes part in at most MAX_RELEASES computations.
EPSILON_COUNT = 1.0
EPSILON_MEDIAN = 1.0
EPSILON_RELEASE = EPSILON_COUNT + EPSILON_MEDIAN
DELTA = 1e-6
FLOOR = 5
THRESHOLD = math.ceil(FLOOR + math.log(1 / (2 * DELTA)) / EPSILON_COUNT)  # 19
MEDIAN_FROM = 40
GROWTH = 1.5
MAX_RELEASES = 6
EPSILON_TOTAL = EPSILON_RELEASE * MAX_RELEASES
DELTA_TOTAL = DELTA * MAX_RELEASES
# Public bounds of yearly pay in dollars (the report form refuses anything outside them).
PAY_BOUNDS = (300.0, 5_000_000.0)


def interval_ranks(n: int) -> tuple[int, int] | None:
    """The ranks of the order statistics that bound the median's interval of n people
    (reliability.median_interval_ranks), when they may be shown; else None.

    Each end is one person's pay. For few people the ends are the lowest and the highest pay,
    which no rule ever shows, so an end is shown only at a rank inside what the outermost shown
    percentiles already span: the 10th to the 90th once they are shown, the 25th to the 75th
    from MIN_QUARTILES, nothing before. percentile_cont reads the percentile f of n values at
    position 1 + f (n - 1), so a rank at or past it is a pay at or past the shown percentile.
    The interval appears from 17 people (ranks 5 and 13, the quartiles' own), then from 20.
    """
    ranks = median_interval_ranks(n)
    if ranks is None or n < MIN_QUARTILES:
        return None
    outermost = 0.10 if n >= MIN_DECILES else 0.25
    lowest, highest = 1 + outermost * (n - 1), n - outermost * (n - 1)
    low_rank, high_rank = ranks
    return ranks if lowest <= low_rank and high_rank <= highest else None


def listed_one_by_one(count: int) -> bool:
    """Whether survey answers matching a question may be listed and exported row by row:
    never a handful of people (reports never are)."""
    return count >= MIN_COUNT


@dataclass(frozen=True)
class People:
    """How many people a figure rests on, as it may be shown."""

    exact: int

    @property
    def shown(self) -> bool:
        return self.exact >= MIN_COUNT

    def __str__(self) -> str:
        if self.shown:
            return in_page_language(f"{self.exact:,}")
        return gettext("fewer than %(minimum)s") % {"minimum": in_page_language(str(MIN_COUNT))}


@dataclass(frozen=True)
class Summary:
    """What may be shown of a group's pay: each statistic only from enough people, rounded."""

    people: People
    p10: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    p90: float | None = None
    year_min: int | None = None
    year_max: int | None = None
    # The median's interval (reliability.median_interval_ranks), where interval_ranks allows it.
    interval_low: float | None = None
    interval_high: float | None = None

    @classmethod
    def of(
        cls, distribution: statistics.Distribution, interval: list[float] | None = None
    ) -> "Summary":
        """`interval`: the order statistics at interval_ranks(count), asked for only when it
        gives ranks (statistics.order_statistics); a breakdown's rows go without."""
        n, d = distribution.count, distribution
        r = round_significant
        quartiles, deciles = n >= MIN_QUARTILES, n >= MIN_DECILES
        interval_low, interval_high = interval or (None, None)
        return cls(
            people=People(n),
            p10=r(d.p10) if deciles else None,
            p25=r(d.p25) if quartiles else None,
            median=r(d.median) if n >= MIN_MEDIAN else None,
            p75=r(d.p75) if quartiles else None,
            p90=r(d.p90) if deciles else None,
            year_min=d.year_min if n >= MIN_COUNT else None,
            year_max=d.year_max if n >= MIN_COUNT else None,
            interval_low=r(interval_low),
            interval_high=r(interval_high),
        )

    @property
    def has_median(self) -> bool:
        return self.median is not None

    @property
    def has_quartiles(self) -> bool:
        return self.p25 is not None

    @property
    def has_deciles(self) -> bool:
        return self.p10 is not None

    @property
    def has_interval(self) -> bool:
        return self.interval_low is not None

    @property
    def reliability(self) -> "StrOrPromise":
        """How far the median can be trusted ("rough guide", "fair guide", "solid guide"), as
        pages print it beside the median; "" without one."""
        return reliability_of(self.people.exact) if self.has_median else ""

    @property
    def rough(self) -> bool:
        """A median that is only a rough guide (a chart draws it lighter)."""
        return self.reliability == ROUGH
