"""The SQL aggregates behind every figure about individual observations, exact and unrounded.

Nothing here is shown as it is: salaries.figures decides what of it a visitor may see.
Definitions (stated on the methodology page):
- percentiles use linear interpolation between the two nearest observations, PostgreSQL's
  `percentile_cont`, so the median of 1, 2, 3, 4 is 2.5;
- order statistics (the r-th smallest of n, for the median's interval) are `percentile_disc`;
- figures are yearly gross pay in the unit a page shows (salaries.money.DisplayUnit): an SQL
  expression over the stored normalized columns, so the database computes every percentile.
"""

import math
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    Value,
)

from salaries.models import SalaryObservation, conversion_table

FRACTIONS = (0.1, 0.25, 0.5, 0.75, 0.9)
# The summary also reads the 1st and 99th percentiles, for the histogram's bounds.
SUMMARY_FRACTIONS = (0.01, *FRACTIONS, 0.99)


class Percentiles(Aggregate):
    """percentile_cont(ARRAY[...]) WITHIN GROUP (ORDER BY column): several in one pass."""

    function = "percentile_cont"
    template = "%(function)s(%(fractions)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fractions=FRACTIONS):
        self.fractions = ", ".join(repr(float(f)) for f in fractions)
        super().__init__(expression, output_field=ArrayField(FloatField()))

    def as_sql(self, compiler, connection, **extra_context):
        extra_context["fractions"] = f"ARRAY[{self.fractions}]::float8[]"
        return super().as_sql(compiler, connection, **extra_context)


class OrderStatistics(Percentiles):
    """percentile_disc(ARRAY[...]): the observations themselves at those fractions, not
    interpolated between them."""

    function = "percentile_disc"


@dataclass(frozen=True)
class Distribution:
    """A group's exact count (and how many of it are user reports), percentiles and year span
    (the percentiles None when empty)."""

    count: int
    p10: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    p90: float | None = None
    year_min: int | None = None
    year_max: int | None = None
    p1: float | None = None
    p99: float | None = None


def _distribution(row) -> Distribution:
    count, percentiles = row["count"], row["percentiles"]
    years = row.get("year_min"), row.get("year_max")
    if not count or not percentiles:
        return Distribution(count, year_min=years[0], year_max=years[1])
    if len(percentiles) == len(SUMMARY_FRACTIONS):
        p1, *percentiles, p99 = percentiles
    else:
        p1 = p99 = None
    p10, p25, median, p75, p90 = percentiles
    return Distribution(count, p10, p25, median, p75, p90, *years, p1, p99)


def with_pay(observations, value):
    """(observations whose pay is known, the pay expression); `value` may be a field name."""
    value = F(value) if isinstance(value, str) else value
    return observations.alias(pay=value).filter(pay__isnull=False), value


def summarize(observations, value) -> Distribution:
    """Count, percentiles and year span of pay over a queryset, in one query."""
    observations, value = with_pay(observations, value)
    row = observations.aggregate(
        count=Count("id"),
        percentiles=Percentiles(value, SUMMARY_FRACTIONS),
        year_min=Min("year"),
        year_max=Max("year"),
    )
    return _distribution(row)


def order_statistics(observations, value, count: int, ranks) -> list[float]:
    """The ranks-th smallest pays (1 is the lowest) of a queryset of `count` observations with
    pay, in one query. A second query: an ordered-set aggregate's fractions must be the same for
    the whole group, so they cannot be worked out from its count in the query that counts it."""
    # percentile_disc(f) is the observation at rank ceil(f * count); half a rank below keeps
    # rounding in f from landing on the next rank up.
    fractions = [(rank - 0.5) / count for rank in ranks]
    observations, value = with_pay(observations, value)
    row = observations.aggregate(values=OrderStatistics(value, fractions))
    return [float(v) for v in row["values"]]


@dataclass
class Group:
    key: object
    label: str
    distribution: Distribution


def breakdown(observations, value, by, labels=None) -> list[Group]:
    """Summaries per value of `by` (a field path, or a list of them), in one GROUP BY query,
    the largest groups first."""
    fields = [by] if isinstance(by, str) else list(by)
    observations, value = with_pay(observations, value)
    rows = (
        observations.values(*fields)
        .annotate(count=Count("id"), percentiles=Percentiles(value))
        .order_by()
    )
    groups = []
    for row in rows:
        key = row[by] if isinstance(by, str) else tuple(row[f] for f in fields)
        label = labels(key) if labels else str(key)
        groups.append(Group(key, label, _distribution(row)))
    groups.sort(key=lambda g: -g.distribution.count)
    return groups


@dataclass
class Bin:
    low: float
    high: float
    count: int
    open_low: bool = False
    open_high: bool = False


@dataclass
class Histogram:
    bins: list[Bin] = field(default_factory=list)


def nice_width(span: float, target_bins: int) -> float:
    """A bin width of 1, 2 or 5 times a power of ten giving about target_bins bins."""
    raw = span / target_bins
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def histogram(observations, value, distribution: Distribution, target_bins=12) -> Histogram:
    """Counts per bin between round bounds around the 1st-99th percentiles (from summarize).

    The outermost bins are open ("under X", "X and over"), so every observation is counted
    and a single extreme value cannot flatten the chart.
    """
    if not distribution.count:
        return Histogram()
    qs, value = with_pay(observations, value)
    p1, p99 = distribution.p1, distribution.p99
    if p99 <= p1:
        return Histogram([Bin(p1, p1, distribution.count)])
    width = nice_width(p99 - p1, target_bins)
    low = math.floor(p1 / width) * width
    count = max(1, math.ceil((p99 - low) / width))
    high = low + count * width
    rows = (
        qs.annotate(
            bucket=Func(
                value,
                Value(low),
                Value(high),
                Value(count),
                function="width_bucket",
                output_field=IntegerField(),
            )
        )
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["bucket"]: row["n"] for row in rows}
    bins = [Bin(low + i * width, low + (i + 1) * width, counts.get(i + 1, 0)) for i in range(count)]
    # width_bucket puts values below `low` in bucket 0 and at or above `high` in count + 1.
    bins[0].count += counts.get(0, 0)
    bins[0].open_low = counts.get(0, 0) > 0
    bins[-1].count += counts.get(count + 1, 0)
    bins[-1].open_high = counts.get(count + 1, 0) > 0
    return Histogram(bins)


def sources_of(observations):
    """Which sources the observations come from, with how many each, largest first."""
    return (
        observations.values("source__title", "source__licence")
        .annotate(count=Count("id"))
        .order_by("-count")
    )


def counts_by(fields: list[str], observations) -> dict:
    """{value (or tuple of values) of `fields`: observations}, in one GROUP BY."""
    rows = observations.values_list(*fields).annotate(n=Count("id")).order_by()
    return {(row[0] if len(fields) == 1 else tuple(row[:-1])): row[-1] for row in rows}


OUTLIER_FACTOR = 3
OUTLIER_MIN_PEERS = 5
OUTLIER_ALONE_ABOVE = 1_000_000


def outlier_note(report) -> str:
    """Why a report's pay looks out of line with the published observations (survey answers
    and approved reports) for the same role and country, or "" when it does not or when
    there are too few to compare with."""
    converted = conversion_table().convert(
        report.amount, report.period, report.currency_id, report.country.code, report.year
    )
    if not converted.usd:
        return "Converts to less than one US dollar a year, or cannot be converted."
    peers = SalaryObservation.objects.filter(role=report.role, employee_country=report.country)
    summary = summarize(peers, "usd_yearly")
    usd = float(converted.usd)
    if summary.count < OUTLIER_MIN_PEERS:
        # Too few to compare with: flag what is rare anywhere.
        if usd > OUTLIER_ALONE_ABOVE:
            return f"${usd:,.0f} a year, with fewer than {OUTLIER_MIN_PEERS} reports to compare"
        return ""
    where = f"{summary.count} reports for {report.role} in {report.country.code}"
    if usd > summary.p90 * OUTLIER_FACTOR:
        return f"{usd / summary.p90:.1f} x the 90th percentile of {where}"
    if usd < summary.p10 / OUTLIER_FACTOR:
        return f"{summary.p10 / usd:.1f} x below the 10th percentile of {where}"
    return ""
