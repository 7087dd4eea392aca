"""An offer, or a job's pay range, set against the market's survey figures."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext

from salaries.figures.criteria import Criteria
from salaries.figures.privacy import Summary
from salaries.figures.published import basis, published_ranges
from salaries.figures.survey import Group, Panel, panel
from salaries.models import EmploymentType, PublishedRange
from salaries.money import Display, DisplayUnit, display_unit

PERCENTILES = [(10, "p10"), (25, "p25"), (50, "median"), (75, "p75"), (90, "p90")]


def ordinal(n: int) -> str:
    """ "38th", in the page's language."""
    if 10 <= n % 100 <= 20 or n % 10 not in (1, 2, 3):
        text = pgettext("ordinal number", "%(number)sth")
    elif n % 10 == 1:
        text = pgettext("ordinal number", "%(number)sst")
    elif n % 10 == 2:
        text = pgettext("ordinal number", "%(number)snd")
    else:
        text = pgettext("ordinal number", "%(number)srd")
    return text % {"number": n}


def percentile_name(percent: int) -> str:
    if percent == 50:
        return gettext("the median")
    return gettext("the %(ordinal)s percentile") % {"ordinal": ordinal(percent)}


@dataclass(frozen=True)
class Position:
    """Where a figure sits among a group's shown percentiles."""

    band: str  # "between the 25th percentile and the median"
    estimate: int | None  # about the 38th percentile; None outside or with a median alone

    @property
    def estimate_text(self) -> str:
        if not self.estimate:
            return ""
        return gettext("about the %(ordinal)s percentile") % {"ordinal": ordinal(self.estimate)}


def position(summary: Summary, value: float) -> Position | None:
    """Where `value` sits against the shown (rounded) percentiles, and an estimate by straight
    lines between them: it says nothing the shown percentiles do not."""
    points = [(p, getattr(summary, name)) for p, name in PERCENTILES]
    points = [(p, v) for p, v in points if v is not None]
    if not points:
        return None
    (low_p, low_v), (high_p, high_v) = points[0], points[-1]
    if value < low_v:
        return Position(
            gettext("below %(percentile)s") % {"percentile": percentile_name(low_p)}, None
        )
    if value > high_v:
        above = gettext("above %(percentile)s") % {"percentile": percentile_name(high_p)}
        return Position(above, None)
    if len(points) == 1:
        return Position(gettext("at the median"), None)
    for (p1, v1), (p2, v2) in zip(points, points[1:], strict=False):
        if v1 <= value <= v2:
            share = (value - v1) / (v2 - v1) if v2 > v1 else 0
            estimate = round(p1 + share * (p2 - p1))
            band = gettext("between %(low)s and %(high)s") % {
                "low": percentile_name(p1),
                "high": percentile_name(p2),
            }
            return Position(band, estimate)
    return None  # unreachable: points are in order and value lies within them


def market_row(group_panel: Panel) -> list[Group]:
    """A group's figures as the one row of a chart that marks an offer or a job's range."""
    return [Group("market", gettext("Market"), group_panel.summary)]


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


def offer(criteria: Criteria, value, usd) -> OfferCheck:
    panel_figures = panel(criteria)
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
    employment_type: str = EmploymentType.FULL_TIME  # compared only with its own basis
    panel: Panel | None = None
    ranges: QuerySet = field(default_factory=PublishedRange.objects.none)

    @property
    def figures(self) -> Panel:
        """The group's figures (only a market found from survey answers has them)."""
        if self.panel is None:
            raise ValueError("This market rests on published ranges: it has no percentiles.")
        return self.panel

    def placement(self, low: float, high: float) -> str:
        """ "below", "within" or "above" the market's 10th to 90th percentile."""
        summary = self.figures.summary
        if summary.p10 is not None and high < summary.p10:
            return "below"
        if summary.p90 is not None and low > summary.p90:
            return "above"
        return "within"

    def position(self, value: float) -> Position | None:
        return position(self.figures.summary, value)

    @property
    def chart_groups(self) -> list[Group]:
        return market_row(self.figures)

    @property
    def self_employed(self) -> str:
        """ "freelance" or "contract" when the market is of those rates; "" when salaried."""
        return self.employment_type if self.employment_type in PublishedRange.SELF_EMPLOYED else ""


def _group(unit: DisplayUnit, role, country: str, levels, employment_type: str) -> Criteria:
    return Criteria.for_group(unit, role, country, levels, basis(employment_type))


def market(role, country: str, level: str, unit: DisplayUnit, employment_type: str = "") -> Market:
    """The market for a job of this employment type: salaried pay for a salaried job (the
    default), freelance or contract rates for a freelance or contract one."""
    employment_type = employment_type or EmploymentType.FULL_TIME
    # A job whose level is not stated (an imported one) is compared with every level.
    stated = [level] if level else []
    for levels in (stated, []) if level else ([],):
        group = panel(_group(unit, role, country, levels, employment_type))
        if group.summary.has_deciles:
            return Market(unit, levels, employment_type, panel=group)
    ranges = published_ranges(role, country, stated, employment_type)
    return Market(unit, stated, employment_type, ranges=ranges)


def typical_yearly_usd(role, country: str, employment_type: str = "") -> float | None:
    """About what the role earns a year in dollars on this employment basis (salaried unless
    said): the median in the country, else the middle of its published ranges, else the median
    anywhere. A yardstick, to catch a monthly figure typed as a yearly one; a form says it only
    in the currency its user typed."""
    usd = display_unit(Display.USD)
    summary = panel(_group(usd, role, country, (), employment_type)).summary
    if summary.has_median:
        return summary.median
    ranges = published_ranges(role, country, (), employment_type).exclude(usd_low=None)
    middles = sorted(float(r.usd_low + (r.usd_high or r.usd_low)) / 2 for r in ranges)
    if middles:
        return middles[len(middles) // 2]
    return panel(_group(usd, role, "", (), employment_type)).summary.median
