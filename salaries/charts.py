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
    count: int
    low_label: str
    high_label: str
    open_low: bool
    open_high: bool


def histogram_bars(histogram, unit, height=180) -> list[HistogramBar]:
    if not histogram.bins:
        return []
    bar_width = WIDTH / len(histogram.bins)
    y = _scale(histogram.tallest, height)
    return [
        HistogramBar(
            x=round(i * bar_width, 1),
            y=round(height - y(b.count), 1),
            width=round(bar_width - 2, 1),
            height=y(b.count),
            count=b.count,
            low_label=unit.format(b.low),
            high_label=unit.format(b.high),
            open_low=b.open_low,
            open_high=b.open_high,
        )
        for i, b in enumerate(histogram.bins)
    ]


@dataclass
class SpreadRow:
    """One row of a percentile chart: p10-p90 whisker, p25-p75 box, median tick."""

    label: str
    summary: object
    y: float
    p10: float = 0
    p25: float = 0
    median: float = 0
    p75: float = 0
    p90: float = 0

    @property
    def box_width(self) -> float:
        return round(self.p75 - self.p25, 1)


def spread_rows(groups, row_height=28) -> tuple[list[SpreadRow], float]:
    """Rows for groups with enough data, sharing one scale. Returns (rows, chart height)."""
    shown = [g for g in groups if g.summary.enough]
    x = _scale(max((g.summary.p90 for g in shown), default=0), WIDTH - LABEL_WIDTH - 10)
    rows = []
    for index, group in enumerate(shown):
        s = group.summary
        rows.append(
            SpreadRow(
                label=group.label,
                summary=s,
                y=index * row_height,
                p10=LABEL_WIDTH + x(s.p10),
                p25=LABEL_WIDTH + x(s.p25),
                median=LABEL_WIDTH + x(s.median),
                p75=LABEL_WIDTH + x(s.p75),
                p90=LABEL_WIDTH + x(s.p90),
            )
        )
    return rows, len(rows) * row_height
