"""Geometry for the server-rendered SVG charts; the templates draw what this computes.

Every chart is also given as a table beside it, so nothing depends on seeing the picture.
"""

import math
from dataclasses import dataclass

WIDTH = 400
LABEL_WIDTH = 112


def _scale(max_value: float, width: float):
    max_value = max_value or 1
    return lambda value: round(value / max_value * width, 1)


@dataclass
class Tick:
    x: float
    label: str
    anchor: str = "middle"  # the first label of an axis starts at its tick, inside the drawing


@dataclass
class HistogramBar:
    x: float
    y: float
    width: float
    height: float
    people: object
    low_label: str
    high_label: str
    open_low: bool
    open_high: bool


@dataclass
class HistogramChart:
    bars: list[HistogramBar]
    pay_ticks: list[Tick]  # along the bottom, at some bin edges
    people_ticks: list[tuple[float, str]]  # (y, count) up the left side: 0, 1.5k


# A bin of "fewer than MIN_COUNT" is drawn as a stub of this height, whatever its true count.
FEW_HEIGHT = 4
PLOT_LEFT = 34
PLOT_BOTTOM = 170


def compact_count(people: int) -> str:
    """A count short enough for the people axis's narrow margin: 480, 1.5k, 12k."""
    if people < 1000:
        return str(people)
    return f"{people / 1000:.1f}k".replace(".0k", "k") if people < 10_000 else f"{people // 1000}k"


def histogram_chart(histogram, unit) -> HistogramChart | None:
    """Bars for the figures layer's histogram, with a pay axis and a people axis."""
    if not histogram:
        return None
    bins = histogram.bins
    plot_width = WIDTH - PLOT_LEFT - 6
    bar_width = plot_width / len(bins)
    tallest = max((b.people.exact for b in bins if b.people.shown), default=0)
    y = _scale(tallest, PLOT_BOTTOM - 10)
    bars = []
    for i, b in enumerate(bins):
        bar_height = y(b.people.exact) if b.people.shown else FEW_HEIGHT
        bars.append(
            HistogramBar(
                x=round(PLOT_LEFT + i * bar_width, 1),
                y=round(PLOT_BOTTOM - bar_height, 1),
                width=round(bar_width - 2, 1),
                height=bar_height,
                people=b.people,
                low_label=unit.format(b.low),
                high_label=unit.format(b.high),
                open_low=b.open_low,
                open_high=b.open_high,
            )
        )
    every = max(1, math.ceil(len(bins) / 4))  # about four labels fit on a phone
    pay_ticks = [
        Tick(round(PLOT_LEFT + i * bar_width, 1), unit.format_compact(bins[i].low),
             "start" if i == 0 else "middle")
        for i in range(0, len(bins), every)
    ]  # fmt: skip
    people_ticks = [(PLOT_BOTTOM, "0")] + (
        [(PLOT_BOTTOM - y(tallest), compact_count(tallest))] if tallest else []
    )
    return HistogramChart(bars, pay_ticks, people_ticks)


@dataclass
class SpreadRow:
    """One row of a percentile chart: p10-p90 whisker, p25-p75 box and median tick, each
    drawn when the figures layer gives it (a small group has a median alone). A group without
    a median is drawn from its published estimate, a band from low to high, or, with neither,
    keeps its row empty."""

    label: str
    short_label: str
    summary: object
    y: float
    median: float | None = None
    p10: float | None = None
    p25: float | None = None
    p75: float | None = None
    p90: float | None = None
    estimate: object = None  # the PublishedRange the band stands for
    estimate_low: float | None = None
    estimate_high: float | None = None

    @property
    def rough(self) -> bool:
        """A median that is only a rough guide (reliability): its marks are drawn lighter."""
        return self.median is not None and self.summary.rough

    @property
    def box_width(self) -> float | None:
        return round(self.p75 - self.p25, 1) if self.p25 is not None else None

    @property
    def estimate_width(self) -> float | None:
        if self.estimate_low is None:
            return None
        return round(max(self.estimate_high - self.estimate_low, 3), 1)

    @property
    def estimate_open(self) -> bool:
        """An open top ("$150,000+") is drawn running on past the band's end."""
        return bool(self.estimate and self.estimate.open_ended)

    @property
    def value_anchor(self) -> str:
        """The median's label is centred on it, unless that would run off the drawing."""
        if self.median is not None and self.median > WIDTH - 30:
            return "end"
        return "middle"

    @property
    def open_end(self) -> float | None:
        return min(self.estimate_high + 12, WIDTH - 2) if self.estimate_open else None

    @property
    def note_anchor(self) -> str:
        """The band's label starts at its left end, or ends at its right one past mid-chart,
        so that it stays inside the picture."""
        return "start" if (self.estimate_low or 0) < (LABEL_WIDTH + WIDTH) / 2 else "end"

    @property
    def note_x(self) -> float | None:
        return self.estimate_low if self.note_anchor == "start" else self.estimate_high


@dataclass
class SpreadChart:
    rows: list[SpreadRow]
    ticks: list[Tick]
    height: float  # of the rows; the axis sits below them
    marker: float | None = None  # a figure to mark (an offer)
    band: tuple[float, float] | None = None  # a range to shade (a job's posted pay)

    @property
    def has_estimates(self) -> bool:
        return any(row.estimate for row in self.rows)

    @property
    def has_rough(self) -> bool:
        return any(row.rough for row in self.rows)

    @property
    def band_width(self) -> float | None:
        return round(max(self.band[1] - self.band[0], 2), 1) if self.band else None

    @property
    def axis_y(self) -> float:
        return self.height + 4

    @property
    def plot_left(self) -> float:
        return LABEL_WIDTH

    @property
    def plot_right(self) -> float:
        return WIDTH - 20

    @property
    def total_height(self) -> float:
        return self.height + 30


def highest_shown(summaries) -> float:
    """The largest percentile shown among summaries: the end of a chart's scale."""
    return max((s.p90 or s.p75 or s.median for s in summaries if s.has_median), default=0)


def highest_estimate(groups) -> float:
    """The largest published-estimate bound drawn for groups (its low when its top is open)."""
    ends = (getattr(g, "estimate_bounds", (None, None)) for g in groups)
    return float(max((high or low or 0 for low, high in ends), default=0))


def highest_drawn(groups) -> float:
    """The end of the scale that draws every one of groups: charts read side by side share it."""
    groups = list(groups)
    return max(highest_shown(g.summary for g in groups), highest_estimate(groups))


def axis_ticks(highest: float, scale, unit, count: int = 4) -> list[Tick]:
    """Round values from 0 up to `highest`, placed with `scale`, labelled compactly."""
    if not highest:
        return []
    step = nice_step(highest / count)
    ticks, value = [], 0.0
    while value <= highest * 1.0001:
        ticks.append(Tick(LABEL_WIDTH + scale(value), unit.format_compact(value)))
        value += step
    return ticks


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least `raw`."""
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)


CHART_TOP = 14  # room for the first row's value label


def spread_chart(
    groups, unit, highest=None, marker=None, band=None, row_height=32, every_group=False
) -> SpreadChart:
    """Rows for groups with a median, or with a published estimate, on one scale (up to
    `highest`, shared by charts that are read side by side), with a value axis and, optionally,
    a marked figure or a shaded range (low, high). `every_group` keeps a row for a group with
    neither, so that each one asked for is on the chart."""
    drawn = [
        g
        for g in groups
        if every_group or g.summary.has_median or getattr(g, "estimate", None) is not None
    ]
    highest = max(
        highest or highest_drawn(drawn),
        marker or 0,
        band[1] if band else 0,
    )
    plot_width = WIDTH - 20 - LABEL_WIDTH
    scale = _scale(highest, plot_width)

    def x(value):
        return None if value is None else LABEL_WIDTH + scale(float(value))

    def row(index, group):
        summary = group.summary
        spread = SpreadRow(group.label, group.short_label, summary, CHART_TOP + index * row_height)
        if summary.has_median:
            for name in ("median", "p10", "p25", "p75", "p90"):
                setattr(spread, name, x(getattr(summary, name)))
        elif (estimate := getattr(group, "estimate", None)) is not None:
            low, high = group.estimate_bounds
            spread.estimate = estimate
            spread.estimate_low = x(low) if low is not None else LABEL_WIDTH
            spread.estimate_high = x(high if high is not None else low)
        return spread

    rows = [row(index, group) for index, group in enumerate(drawn)]
    return SpreadChart(
        rows=rows,
        ticks=axis_ticks(highest, scale, unit),
        height=CHART_TOP + len(rows) * row_height,
        marker=x(marker),
        band=(x(band[0]), x(band[1])) if band else None,
    )
