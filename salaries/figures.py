"""The figures layer: every figure about people's pay that a visitor can see comes from here.

Pages, the CSV export, JSON-LD, the sitemap, guides and charts ask this module for figures,
handing it a validated `Query`. The privacy rules live here once, for every surface and every
group whatever its sources, so which figures appear never tells whether reports are among them:

- a count below MIN_COUNT reads "fewer than 5", with nothing to tell 0 from 4;
- the median needs MIN_MEDIAN people, the quartiles MIN_QUARTILES, the 10th and 90th
  percentiles and the histogram MIN_DECILES;
- every statistic is rounded to SIGNIFICANT_FIGURES significant figures;
- every figure here rests on survey answers alone, which their sources published row by row.
  Reports sent to Talab never enter them: a statistic that mixed rows anyone can export with
  a few reports would give the reports away by difference (a union of levels, a sixth
  report, a probe withdrawn). Report figures are a kind of their own, released in batches
  with differential privacy (salaries.releases), and shown beside these, never blended;
- reports sent to Talab are never listed or exported one by one.

Templates print what they are handed; they never count, filter or decide whether a number may
be shown. Results are remembered (salaries.remembered) under the cleaned query, so junk
parameters share the entry of the clean query.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import QuerySet
from django_countries import countries

from portal import versions
from salaries import releases, statistics
from salaries.models import (
    Level,
    PublishedRange,
    ReportFigure,
    Role,
    SalaryObservation,
    Source,
    SourceKind,
)
from salaries.money import Display, DisplayUnit, display_unit
from salaries.remembered import COUNTS, COUNTS_SECONDS, remembered

MIN_COUNT = 5
MIN_MEDIAN = 5
MIN_QUARTILES = 10
MIN_DECILES = 20
SIGNIFICANT_FIGURES = 3


def round_significant(value, digits: int = SIGNIFICANT_FIGURES) -> float | None:
    """123,456 -> 123,000; 10,250 -> 10,300 (halves round up); None stays None."""
    if value is None:
        return None
    value = Decimal(str(value))
    if not value:
        return 0.0
    exponent = math.floor(math.log10(abs(value))) - (digits - 1)
    return float(value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP))


# What a query is ---------------------------------------------------------------------------


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


@dataclass(frozen=True)
class People:
    """How many people a figure rests on, as it may be shown."""

    exact: int

    @property
    def shown(self) -> bool:
        return self.exact >= MIN_COUNT

    def __str__(self) -> str:
        return f"{self.exact:,}" if self.shown else f"fewer than {MIN_COUNT}"


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

    @classmethod
    def of(cls, distribution: statistics.Distribution) -> "Summary":
        n, d = distribution.count, distribution
        r = round_significant
        quartiles, deciles = n >= MIN_QUARTILES, n >= MIN_DECILES
        return cls(
            people=People(n),
            p10=r(d.p10) if deciles else None,
            p25=r(d.p25) if quartiles else None,
            median=r(d.median) if n >= MIN_MEDIAN else None,
            p75=r(d.p75) if quartiles else None,
            p90=r(d.p90) if deciles else None,
            year_min=d.year_min if n >= MIN_COUNT else None,
            year_max=d.year_max if n >= MIN_COUNT else None,
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


@dataclass
class Group:
    """One row of a breakdown (a level, a year, a country...)."""

    key: object
    label: str
    summary: Summary
    short_label: str = ""  # for a chart, where long names do not fit

    def __post_init__(self):
        self.short_label = self.short_label or self.label


@dataclass
class Breakdown:
    """Rows with enough people to name; smaller groups are counted together in `others`, so
    that no row tells a handful of people apart (levels, a fixed list, are all shown)."""

    groups: list[Group] = field(default_factory=list)
    others: People | None = None

    @property
    def has_figures(self) -> bool:
        return any(group.summary.has_median for group in self.groups)


@dataclass
class HistogramBin:
    low: float
    high: float
    people: People
    open_low: bool = False
    open_high: bool = False


@dataclass
class Histogram:
    bins: list[HistogramBin]
    people: People  # survey answers only


@dataclass
class SourceShare:
    title: str
    licence: str
    people: People


@dataclass
class Panel:
    """The figures of a page's statistics panel."""

    summary: Summary
    histogram: Histogram | None
    sources: list[SourceShare]


def _breakdown(
    query: Query,
    by,
    labels=None,
    keys=None,
    limit=None,
    known=None,
    order=lambda group: -group.summary.people.exact,  # most people first
) -> Breakdown:
    """Rows per value of `by` (among observations where `known` is set, if given). With
    `keys`, a fixed list, every key gets a row in that order, and any other value after them;
    otherwise rows with fewer than MIN_COUNT people are folded into `others`."""
    observations = query.survey
    if known:
        observations = observations.filter(**{f"{known}__isnull": False})
    raw = statistics.breakdown(observations, query.unit.value, by, labels=labels)
    groups = [Group(g.key, g.label, Summary.of(g.distribution)) for g in raw]
    if keys is not None:
        found = {g.key: g for g in groups}
        empty = Summary.of(statistics.Distribution(0))
        listed = [found.pop(key, None) or Group(key, labels(key), empty) for key in keys]
        return Breakdown(listed + list(found.values()))
    groups.sort(key=order)
    shown = [g for g in groups if g.summary.people.shown]
    hidden = sum(g.summary.people.exact for g in groups if not g.summary.people.shown)
    if limit is not None:
        hidden += sum(g.summary.people.exact for g in shown[limit:])
        shown = shown[:limit]
    return Breakdown(shown, People(hidden) if hidden else None)


def _histogram(query: Query, distribution: statistics.Distribution) -> Histogram | None:
    if distribution.count < MIN_DECILES:
        return None
    histogram = statistics.histogram(query.survey, query.unit.value, distribution)
    bins = [
        HistogramBin(b.low, b.high, People(b.count), b.open_low, b.open_high)
        for b in histogram.bins
    ]
    return Histogram(bins, People(distribution.count))


def _panel(query: Query) -> Panel:
    distribution = statistics.summarize(query.survey, query.unit.value)
    return Panel(
        summary=Summary.of(distribution),
        histogram=_histogram(query, distribution),
        sources=[
            SourceShare(s["source__title"], s["source__licence"], People(s["count"]))
            for s in statistics.sources_of(query.survey)
        ],
    )


# What pages ask for ------------------------------------------------------------------------


def panel(query: Query) -> Panel:
    """The statistics panel and histogram of a list or guide page."""
    return query.remember("panel", lambda: _panel(query))


@dataclass
class Landing:
    panel: Panel
    by_level: Breakdown
    by_year: Breakdown
    by_city: Breakdown
    by_industry: Breakdown
    by_country: Breakdown | None


def landing(query: Query, by_country: bool) -> Landing:
    """A role's landing page: the panel, and breakdowns by level, year, city, industry and
    (for a role anywhere) the 15 countries with the most people."""
    names = dict(countries)

    def compute():
        return Landing(
            panel=_panel(query),
            by_level=level_breakdown(query),
            by_year=_breakdown(query, "year", order=lambda group: -group.key),
            by_city=_breakdown(
                query,
                ["city__name", "city__country"],
                labels=lambda key: f"{key[0]}, {key[1]}",
                known="city",
            ),
            by_industry=_breakdown(query, "industry__name", known="industry"),
            by_country=_breakdown(
                query, "employee_country", labels=lambda code: names[code], limit=15
            )
            if by_country
            else None,
        )

    return query.remember(f"landing:{by_country}", compute)


def level_breakdown(query: Query) -> Breakdown:
    return _breakdown(query, "level", labels=Level.label_for, keys=Level.values)


def by_level(query: Query) -> Breakdown:
    """Pay per level, every level listed (a guide's panel)."""
    return query.remember("by-level", lambda: level_breakdown(query))


def compare(role, codes: list[str], levels: list[str], units: list[DisplayUnit]):
    """For each unit, a row per country asked for (and per level when levels are asked for),
    in the visitor's order; a country with too few people keeps its row."""
    names = dict(countries)
    keys = [(code, level) for code in codes for level in levels] if levels else codes
    by = ["employee_country", "level"] if levels else "employee_country"

    def label(key):
        country, *rest = key if levels else (key,)
        return " · ".join([names[country], *(Level.label_for(level) for level in rest)])

    def short(key):
        country, *rest = key if levels else (key,)
        return " · ".join([country, *(Level.label_for(level) for level in rest)])

    def column(unit):
        query = Query.for_group(unit, role=role, levels=levels)
        query = Query(
            query.observations.filter(employee_country__in=codes), unit, query.key,
            scope=query.scope,
        )  # fmt: skip
        key = f"compare:{','.join(codes)}"
        breakdown = query.remember(key, lambda: _breakdown(query, by, labels=label, keys=keys))
        for group in breakdown.groups:
            group.short_label = short(group.key)
        return breakdown

    return [(unit, column(unit)) for unit in units]


def list_page(query: Query) -> tuple[Panel, int]:
    """The list page's panel, and how many survey answers its pages walk through."""
    return query.remember("list", lambda: (_panel(query), query.survey.count()))


def listing(query: Query, ordering) -> QuerySet:
    """The rows a visitor may see one by one: survey answers, with their pay in the unit."""
    return query.survey.for_listing().annotate(pay=query.unit.value).order_by(*ordering)


def export(query: Query, ordering) -> QuerySet | None:
    """Survey answers for the CSV export, exact as their source published them; None when
    fewer than MIN_COUNT match, so that an export never describes a handful of people."""
    rows = query.survey
    if rows.count() < MIN_COUNT:
        return None
    return rows.annotate(pay=query.unit.value).order_by(*ordering)


# Figures from reports sent to Talab, as released -------------------------------------------


@dataclass
class ReportRow:
    level: str
    people: int  # about: a noisy count
    median: float | None  # in the section's unit; None below releases.MEDIAN_FROM


@dataclass
class ReportSection:
    """A role's figures in one country from people who told Talab: a kind of its own, never
    blended with survey figures (salaries.releases)."""

    unit: DisplayUnit
    released: object  # the datetime of the release that computed them
    rows: list[ReportRow]
    median_from: int = releases.MEDIAN_FROM


def report_privacy() -> dict:
    """The release's privacy parameters, as the methodology page states them."""
    r = releases
    return {
        "floor": r.FLOOR, "threshold": r.THRESHOLD, "median_from": r.MEDIAN_FROM,
        "epsilon_release": r.EPSILON_RELEASE, "delta": f"{r.DELTA:g}",
        "odds_release": f"{math.exp(r.EPSILON_RELEASE):.1f}",
        "epsilon_total": r.EPSILON_TOTAL, "delta_total": f"{r.DELTA_TOTAL:g}",
        "max_releases": r.MAX_RELEASES,
    }  # fmt: skip


def reports(role, country: str, unit: DisplayUnit) -> ReportSection | None:
    """The released report figures of a role in a country, per level; None when no cell is
    shown. Kept in dollars, shown in the page's currency (dollars on a PPP page)."""
    cells = list(ReportFigure.objects.shown().filter(role=role, country=country))
    if not cells:
        return None
    if unit.is_ppp:
        unit = display_unit(Display.USD)
    order = {level: i for i, level in enumerate(Level.values)}
    cells.sort(key=lambda cell: order[cell.level])
    rows = [
        ReportRow(
            Level.label_for(cell.level),
            cell.people,
            round_significant(unit.from_usd(cell.median_usd)) if cell.median_usd else None,
        )
        for cell in cells
    ]
    return ReportSection(unit, max(cell.release.made_at for cell in cells), rows)


# Checking an offer ------------------------------------------------------------------------

PERCENTILES = [(10, "p10"), (25, "p25"), (50, "median"), (75, "p75"), (90, "p90")]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def percentile_name(percent: int) -> str:
    return "the median" if percent == 50 else f"the {ordinal(percent)} percentile"


@dataclass(frozen=True)
class Position:
    """Where a figure sits among a group's shown percentiles."""

    band: str  # "between the 25th percentile and the median"
    estimate: int | None  # about the 38th percentile; None outside or with a median alone

    @property
    def estimate_text(self) -> str:
        return f"about the {ordinal(self.estimate)} percentile" if self.estimate else ""


def position(summary: Summary, value: float) -> Position | None:
    """Where `value` sits against the shown (rounded) percentiles, and an estimate by straight
    lines between them: it says nothing the shown percentiles do not."""
    points = [(p, getattr(summary, name)) for p, name in PERCENTILES]
    points = [(p, v) for p, v in points if v is not None]
    if not points:
        return None
    (low_p, low_v), (high_p, high_v) = points[0], points[-1]
    if value < low_v:
        return Position(f"below {percentile_name(low_p)}", None)
    if value > high_v:
        return Position(f"above {percentile_name(high_p)}", None)
    if len(points) == 1:
        return Position("at the median", None)
    for (p1, v1), (p2, v2) in zip(points, points[1:], strict=False):
        if v1 <= value <= v2:
            share = (value - v1) / (v2 - v1) if v2 > v1 else 0
            estimate = round(p1 + share * (p2 - p1))
            return Position(f"between {percentile_name(p1)} and {percentile_name(p2)}", estimate)
    return None  # unreachable: points are in order and value lies within them


def market_row(group_panel: Panel) -> list[Group]:
    """A group's figures as the one row of a chart that marks an offer or a job's range."""
    return [Group("market", "Market", group_panel.summary)]


@dataclass
class OfferCheck:
    """An offer set against a group: the group's shown figures and where the offer sits."""

    panel: Panel
    value: float | None  # the offer, yearly, in the panel's unit
    usd: float | None
    position: Position | None

    @property
    def chart_groups(self) -> list[Group]:
        return market_row(self.panel)


def offer(query: Query, value, usd) -> OfferCheck:
    panel_figures = panel(query)
    value = float(value) if value is not None else None
    where = position(panel_figures.summary, value) if value is not None else None
    return OfferCheck(panel_figures, value, float(usd) if usd is not None else None, where)


# A job's pay range against the market ----------------------------------------------------


@dataclass
class Market:
    """The figures a posted pay range is set against: the narrowest group with a 10th to 90th
    percentile (the job's role, country and level, else its role and country), else the
    published ranges for the role and country, else nothing."""

    unit: DisplayUnit
    levels: list[str]  # the group's levels: the job's, or none when broadened to all levels
    panel: Panel | None = None
    ranges: list = field(default_factory=list)

    def placement(self, low: float, high: float) -> str:
        """ "below", "within" or "above" the market's 10th to 90th percentile."""
        summary = self.panel.summary
        if high < summary.p10:
            return "below"
        if low > summary.p90:
            return "above"
        return "within"

    def position(self, value: float) -> Position | None:
        return position(self.panel.summary, value)

    @property
    def chart_groups(self) -> list[Group]:
        return market_row(self.panel)


def market(role, country: str, level: str, unit: DisplayUnit) -> Market:
    for levels in ([level], []):
        group = panel(Query.for_group(unit, role=role, country=country, levels=levels))
        if group.summary.has_deciles:
            return Market(unit, levels, panel=group)
    ranges = PublishedRange.objects.matching(role=role, country=country, levels=[level])
    return Market(unit, [level], ranges=list(ranges.select_related("source")))


def typical_yearly_usd(role, country: str) -> float | None:
    """About what the role earns a year in dollars: the median in the country, else the middle
    of its published ranges, else the median anywhere. Only a yardstick, to catch a monthly
    figure typed as a yearly one; never shown as a figure."""
    usd = display_unit(Display.USD)
    summary = panel(Query.for_group(usd, role=role, country=country)).summary
    if summary.has_median:
        return summary.median
    ranges = PublishedRange.objects.matching(role=role, country=country).exclude(usd_low=None)
    middles = sorted(float(r.usd_low + (r.usd_high or r.usd_low)) / 2 for r in ranges)
    if middles:
        return middles[len(middles) // 2]
    return panel(Query.for_group(usd, role=role)).summary.median


def occupation_jsonld(role, country_name: str, summary: Summary, unit: DisplayUnit):
    """schema.org Occupation with the shown pay distribution, for search engines; None when
    there is no median to state."""
    if not summary.has_median or unit.is_ppp:
        return None
    distribution = {
        "@type": "MonetaryAmountDistribution",
        "name": "total gross pay",
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
        "name": role.name,
        "estimatedSalary": distribution,
    }
    if country_name:
        data["occupationLocation"] = {"@type": "Country", "name": country_name}
    return data


def home() -> dict:
    """The home page's total and the roles with the most people behind them, counted as the
    pages count them."""

    def compute():
        survey = SalaryObservation.objects.survey()
        total = survey.count()
        by_role = statistics.counts_by(["role"], survey)
        top = sorted((n, pk) for pk, n in by_role.items() if n >= MIN_COUNT)[-12:][::-1]
        roles = Role.objects.in_bulk([pk for _, pk in top])
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
                # As released (salaries.releases), never the live count of approvals.
                source.observations = People(releases.people_released())
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


def filter_choices() -> dict[str, list[Choice]]:
    """The options a filter form offers: only roles, countries, cities, industries and
    companies that some figure rests on, each with how many people (at least MIN_COUNT), or
    "published estimates" for roles and countries known only from published ranges."""

    def compute():
        names = dict(countries)
        role_names = dict(Role.objects.values_list("slug", "name"))
        survey = SalaryObservation.objects.survey()

        def with_ranges(counts, ranged, name_of):
            counts = {key: n for key, n in counts.items() if n >= MIN_COUNT}
            keys = sorted(set(counts) | set(ranged), key=lambda key: name_of[key].lower())
            return [
                Choice(key, name_of[key],
                       f"{counts[key]:,} people" if key in counts else "published estimates",
                       counts.get(key, 0))
                for key in keys
            ]  # fmt: skip

        def by_name(fields):
            counts = statistics.counts_by(fields, survey)
            choices = [
                Choice(key[0], ", ".join(map(str, key[1:])), f"{n:,} people", n)
                for key, n in counts.items()
                if n >= MIN_COUNT and key[0] is not None  # rows with no city say nothing
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


def roles_with_figures():
    """Slugs of roles whose page shows figures: a median, or a published range."""
    counts = statistics.counts_by(["role__slug"], SalaryObservation.objects.survey())
    observed = {key for key, n in counts.items() if n >= MIN_MEDIAN}
    ranged = set(PublishedRange.objects.values_list("role__slug", flat=True))
    return sorted(observed | ranged)


def role_countries_with_figures() -> list[tuple[str, str]]:
    """(role slug, country code) pairs whose page shows figures: a median, or a range."""
    survey = SalaryObservation.objects.survey()
    counts = statistics.counts_by(["role__slug", "employee_country"], survey)
    observed = {key for key, n in counts.items() if n >= MIN_MEDIAN}
    ranged = PublishedRange.objects.exclude(country="").values_list("role__slug", "country")
    return sorted(observed | set(ranged))
