"""Geometry for the server-rendered SVG charts; the templates draw what this computes.

Every chart is also given as a table beside it, so nothing depends on seeing the picture.
"""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 150


def _scale(max_value: float, width: float):
    max_value = max_value or 1
    return lambda value: round(value / max_value * width, 1)


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


# A bin of "fewer than 5" is drawn as a stub of this height, whatever its true count.
FEW_HEIGHT = 4


def histogram_bars(bins, unit, height=180) -> list[HistogramBar]:
    """Bars for the figures layer's histogram bins (salaries.figures.HistogramBin)."""
    if not bins:
        return []
    bar_width = WIDTH / len(bins)
    y = _scale(max((b.people.exact for b in bins if b.people.shown), default=0), height)
    bars = []
    for i, b in enumerate(bins):
        bar_height = y(b.people.exact) if b.people.shown else FEW_HEIGHT
        bars.append(
            HistogramBar(
                x=round(i * bar_width, 1),
                y=round(height - bar_height, 1),
                width=round(bar_width - 2, 1),
                height=bar_height,
                people=b.people,
                low_label=unit.format(b.low),
                high_label=unit.format(b.high),
                open_low=b.open_low,
                open_high=b.open_high,
            )
        )
    return bars


@dataclass
class SpreadRow:
    """One row of a percentile chart: p10-p90 whisker, p25-p75 box and median tick, each
    drawn when the figures layer gives it (a small group has a median alone)."""

    label: str
    summary: object
    y: float
    median: float
    p10: float | None = None
    p25: float | None = None
    p75: float | None = None
    p90: float | None = None

    @property
    def box_width(self) -> float | None:
        return round(self.p75 - self.p25, 1) if self.p25 is not None else None


def spread_rows(groups, row_height=28) -> tuple[list[SpreadRow], float]:
    """Rows for groups with a median, sharing one scale. Returns (rows, chart height)."""
    shown = [g for g in groups if g.summary.has_median]
    highest = max((g.summary.p90 or g.summary.p75 or g.summary.median for g in shown), default=0)
    scale = _scale(highest, WIDTH - LABEL_WIDTH - 10)

    def x(value):
        return None if value is None else LABEL_WIDTH + scale(value)

    rows = []
    for index, group in enumerate(shown):
        s = group.summary
        rows.append(
            SpreadRow(
                label=group.label,
                summary=s,
                y=index * row_height,
                median=x(s.median),
                p10=x(s.p10),
                p25=x(s.p25),
                p75=x(s.p75),
                p90=x(s.p90),
            )
        )
    return rows, len(rows) * row_height
