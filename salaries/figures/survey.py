"""Survey figures: panels, breakdowns, histograms, comparisons, lists and exports, over rows
their sources published one by one (never reports, salaries.figures.releases)."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django_countries import countries

from salaries import statistics
from salaries.figures import privacy
from salaries.figures.criteria import Criteria
from salaries.figures.privacy import People, Summary
from salaries.figures.published import Disagreement, bounds, disagreement, estimates
from salaries.models import Level, PublishedRange
from salaries.money import DisplayUnit


@dataclass
class Group:
    """One row of a breakdown (a level, a year, a country...)."""

    key: object
    label: str
    summary: Summary
    short_label: str = ""  # for a chart, where long names do not fit
    # A row with too few people for a median stands on its published estimate instead (a
    # comparison's, figures.published): drawn and listed apart, never mixed into a figure.
    estimate: PublishedRange | None = None
    estimate_bounds: tuple = (None, None)  # its yearly low and high in the breakdown's unit

    def __post_init__(self):
        self.short_label = self.short_label or self.label


@dataclass
class Breakdown:
    """Rows with enough people to name; smaller groups are counted together in `others`, so
    that no row tells a handful of people apart (levels, a fixed list, are all shown)."""

    groups: list[Group] = field(default_factory=list)
    others: People | None = None
    others_groups: int = 0  # how many groups `others` folds together
    # What the rows rest on together (people, years, sources), for a table's "based on" line.
    overall: "Panel | None" = None

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
    # Its median against the published ranges, for one role in one country (remembered with
    # it: a published range's change retires every remembered figure, salaries.remembered).
    disagreement: Disagreement | None = None


def _breakdown(
    criteria: Criteria,
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
    observations = criteria.survey
    if known:
        observations = observations.filter(**{f"{known}__isnull": False})
    raw = statistics.breakdown(observations, criteria.unit.value, by, labels=labels)
    groups = [Group(g.key, g.label, Summary.of(g.distribution)) for g in raw]
    if keys is not None:
        found = {g.key: g for g in groups}
        empty = Summary.of(statistics.Distribution(0))
        listed = [
            found.pop(key) if key in found else Group(key, labels(key), empty) for key in keys
        ]
        return Breakdown(listed + list(found.values()))
    groups.sort(key=order)
    shown = [g for g in groups if g.summary.people.shown]
    folded = [g for g in groups if not g.summary.people.shown]
    if limit is not None:
        folded += shown[limit:]
        shown = shown[:limit]
    hidden = sum(g.summary.people.exact for g in folded)
    return Breakdown(shown, People(hidden) if hidden else None, len(folded))


def _histogram(criteria: Criteria, distribution: statistics.Distribution) -> Histogram | None:
    if distribution.count < privacy.MIN_DECILES:
        return None
    histogram = statistics.histogram(criteria.survey, criteria.unit.value, distribution)
    bins = [
        HistogramBin(b.low, b.high, People(b.count), b.open_low, b.open_high)
        for b in histogram.bins
    ]
    return Histogram(bins, People(distribution.count))


def _summary(criteria: Criteria, distribution: statistics.Distribution) -> Summary:
    """A panel's summary, with the median's interval where privacy.interval_ranks allows it."""
    interval = None
    if ranks := privacy.interval_ranks(distribution.count):
        interval = statistics.order_statistics(
            criteria.survey, criteria.unit.value, distribution.count, ranks
        )
    return Summary.of(distribution, interval)


def _panel(criteria: Criteria, histogram=True) -> Panel:
    distribution = statistics.summarize(criteria.survey, criteria.unit.value)
    summary = _summary(criteria, distribution)
    return Panel(
        summary=summary,
        histogram=_histogram(criteria, distribution) if histogram else None,
        sources=[
            SourceShare(s["source__title"], s["source__licence"], People(s["count"]))
            for s in statistics.sources_of(criteria.survey)
        ],
        disagreement=disagreement(criteria, summary),
    )


# What pages ask for ------------------------------------------------------------------------


def panel(criteria: Criteria) -> Panel:
    """The statistics panel and histogram of a list or guide page."""
    return criteria.remember("panel", lambda: _panel(criteria))


def country_share(criteria: Criteria, country: str) -> str:
    """How much of a group's survey answers come from people living in `country` ("67%"), so
    a sentence about "every country" can say how much one country weighs in it; with too few
    to say, how many come from it as counts are shown ("fewer than 5")."""

    def compute():
        counts = statistics.counts_by(["employee_country"], criteria.survey)
        total, here = sum(counts.values()), People(counts.get(country, 0))
        return f"{round(100 * here.exact / total)}%" if here.shown else str(here)

    return criteria.remember(f"share:{country}", compute)


def summary(criteria: Criteria) -> Summary:
    """A group's shown figures alone, for a sentence about them (no histogram or sources)."""
    return criteria.remember(
        "summary",
        lambda: _summary(criteria, statistics.summarize(criteria.survey, criteria.unit.value)),
    )


@dataclass
class Landing:
    panel: Panel
    by_level: Breakdown
    by_year: Breakdown
    by_city: Breakdown
    by_industry: Breakdown
    by_country: Breakdown | None


def landing(criteria: Criteria, by_country: bool) -> Landing:
    """A role's landing page: the panel, and breakdowns by level, year, city, industry and
    (for a role anywhere) the 15 countries with the most people."""
    names = dict(countries)

    def compute():
        return Landing(
            panel=_panel(criteria),
            by_level=level_breakdown(criteria),
            by_year=_breakdown(criteria, "year", order=lambda group: -group.key),
            by_city=_breakdown(
                criteria,
                ["city__name", "city__country"],
                labels=lambda key: f"{key[0]}, {key[1]}",
                known="city",
            ),
            by_industry=_breakdown(criteria, "industry__name", known="industry"),
            by_country=_breakdown(
                criteria, "employee_country", labels=lambda code: names[code], limit=15
            )
            if by_country
            else None,
        )

    return criteria.remember(f"landing:{by_country}", compute)


def level_breakdown(criteria: Criteria) -> Breakdown:
    return _breakdown(criteria, "level", labels=Level.label_for, keys=Level.values)


def by_level(criteria: Criteria) -> Breakdown:
    """Pay per level, every level listed (a guide's panel)."""
    return criteria.remember("by-level", lambda: level_breakdown(criteria))


def compare(role, codes: list[str], levels: list[str], units: list[DisplayUnit]):
    """For each unit, a row per country asked for (and per level when levels are asked for),
    in the visitor's order; a country with too few people keeps its row, with its salaried
    published estimate when a source gives one."""
    names = dict(countries)
    stand_ins = estimates(role, codes, levels)
    keys = [(code, level) for code in codes for level in levels] if levels else codes
    by = ["employee_country", "level"] if levels else "employee_country"

    def label(key):
        country, *rest = key if levels else (key,)
        return " · ".join([names[country], *(str(Level.label_for(level)) for level in rest)])

    def short(key):
        country, *rest = key if levels else (key,)
        return " · ".join([country, *(str(Level.label_for(level)) for level in rest)])

    def column(unit):
        criteria = Criteria(unit, role=role, countries=tuple(codes), levels=tuple(levels))

        def compute():
            breakdown = _breakdown(criteria, by, labels=label, keys=sorted(keys))
            breakdown.overall = _panel(criteria, histogram=False)
            return breakdown

        # Remembered in one order; shown in the visitor's.
        breakdown = criteria.remember("compare", compute)
        position = {key: i for i, key in enumerate(keys)}
        breakdown.groups.sort(key=lambda group: position[group.key])
        for group in breakdown.groups:
            group.short_label = short(group.key)
            if not group.summary.has_median and group.key in stand_ins:
                group.estimate = stand_ins[group.key]
                group.estimate_bounds = bounds(group.estimate, unit)
        return breakdown

    return [(unit, column(unit)) for unit in units]


def list_page(criteria: Criteria) -> tuple[Panel, int | None]:
    """The list page's panel, and how many survey answers its pages walk through (None when
    they may not be listed one by one)."""

    def compute():
        count = criteria.survey.count()
        return _panel(criteria), count if privacy.listed_one_by_one(count) else None

    return criteria.remember("list", compute)


def listing(criteria: Criteria, ordering) -> QuerySet:
    """The rows of a list page whose count list_page gave: survey answers, exact as their
    source published them, with their pay in the unit."""
    return criteria.survey.for_listing().annotate(pay=criteria.unit.value).order_by(*ordering)


def export(criteria: Criteria, ordering) -> QuerySet | None:
    """Survey answers for the CSV export, as the list shows them; None where the list would
    show none (privacy.listed_one_by_one)."""
    rows = criteria.survey
    if not privacy.listed_one_by_one(rows.count()):
        return None
    return rows.annotate(pay=criteria.unit.value).order_by(*ordering)


# Figures from reports sent to Talab, as released -------------------------------------------
