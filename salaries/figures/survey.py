"""Survey figures: panels, breakdowns, histograms, comparisons, lists and exports, over rows
their sources published one by one (never reports, salaries.figures.releases)."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django_countries import countries

from salaries import statistics
from salaries.figures.criteria import Query
from salaries.figures.privacy import MIN_COUNT, MIN_DECILES, People, Summary
from salaries.models import (
    Level,
)
from salaries.money import DisplayUnit


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
