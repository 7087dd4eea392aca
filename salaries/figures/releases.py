"""Releasing report figures: every cell at once, with differential privacy, on a schedule.

A report's cell is its role, country and level. At a release (`manage.py release_figures`,
daily, and at `make run`'s load) each cell whose reports changed enough is computed again
with OpenDP and stored (salaries.models.releases); pages read only what is stored. What this
protects, and what it costs:

- One report is one person in one cell (sensitivity 1). A cell below FLOOR eligible reports
  is not computed and shows nothing. From FLOOR on, its count gets Laplace noise of scale
  1/EPSILON_COUNT, and the cell is mentioned only when the noisy count reaches THRESHOLD,
  chosen so that a cell at FLOOR - 1 and one at FLOOR look alike except with probability
  DELTA. A median (the exponential mechanism over a grid of pays, EPSILON_MEDIAN) is drawn
  only when the noisy count reaches MEDIAN_FROM, the size from which it lands within 10% of
  the true median 9 times in 10 (bench/dp_median.py).
- Per release a person spends at most EPSILON_RELEASE (count and median) and DELTA.
- A cell is computed again only when it grew by GROWTH (half) since its last computation, or
  lost a report to a withdrawal; otherwise it keeps its stored figures and spends nothing.
  Each report takes part in at most MAX_RELEASES computations, then stops counting, so the
  total loss of any person is at most EPSILON_TOTAL and DELTA_TOTAL.
- Everything a visitor sees of reports comes from here: no year span, no live count, no
  timing (pages are retired once, at the release, for the cells whose figures changed).
"""

import logging
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from portal import versions
from salaries import noise
from salaries.figures import privacy
from salaries.figures.privacy import (
    DELTA,
    EPSILON_COUNT,
    EPSILON_MEDIAN,
    EPSILON_RELEASE,
    FLOOR,
    GROWTH,
    MAX_RELEASES,
    MEDIAN_FROM,
    PAY_BOUNDS,
    THRESHOLD,
    round_significant,
)
from salaries.models import (
    Level,
    Release,
    ReportFigure,
    ReportStatus,
    Role,
    SalaryReport,
)
from salaries.money import Display, DisplayUnit, display_unit

log = logging.getLogger("talab.releases")


def private_median(pays: list[float]) -> float:
    return noise.median_measurement(*PAY_BOUNDS, EPSILON_MEDIAN)([float(pay) for pay in pays])


def noisy_count(n: int) -> int:
    return noise.count_measurement(EPSILON_COUNT)(n)


def about(count: int) -> int:
    """A noisy count as shown: two significant figures (it is noise's post-processing)."""
    return int(float(f"{count:.2g}"))


def eligible_reports() -> dict[tuple, list[tuple[int, float]]]:
    """{(role id, country, level): [(report id, yearly dollars)]} of approved reports that
    may still take part in a computation."""
    cells = defaultdict(list)
    rows = (
        SalaryReport.objects.filter(
            status=ReportStatus.APPROVED,
            releases_used__lt=MAX_RELEASES,
            observation__usd_yearly__isnull=False,
        )
        .values_list("pk", "role_id", "country", "level", "observation__usd_yearly")
        .order_by()
    )
    for pk, role_id, country, level, usd in rows:
        cells[(role_id, country, level)].append((pk, float(usd)))  # type: ignore[arg-type]
    return cells


def needs_computing(figure: ReportFigure | None, eligible: int) -> bool:
    if figure is None:
        return eligible >= FLOOR
    return figure.withdrawals > 0 or eligible >= GROWTH * figure.members


@transaction.atomic
def release() -> Release:
    """Compute every cell that changed enough, store its figures, and retire at once the
    pages of the cells whose shown figures changed."""
    made = Release.objects.create(epsilon=EPSILON_RELEASE, delta=DELTA)
    cells = eligible_reports()
    stored = {
        (f.role_id, f.country.code, f.level): f
        for f in ReportFigure.objects.select_for_update().select_related("role")
    }
    changed, spent = set(), []
    for cell in set(cells) | set(stored):
        reports, figure = cells.get(cell, []), stored.get(cell)
        if not needs_computing(figure, len(reports)):
            continue
        before = figure.shown_figures if figure else None
        figure = figure or ReportFigure(role_id=cell[0], country=cell[1], level=cell[2])
        figure.release, figure.members, figure.withdrawals = made, len(reports), 0
        figure.people = figure.median_usd = None
        if len(reports) >= FLOOR:
            spent += [pk for pk, _ in reports]
            noisy = noisy_count(len(reports))
            if noisy >= THRESHOLD:
                figure.people = about(noisy)
            if noisy >= MEDIAN_FROM:
                figure.median_usd = round(private_median([usd for _, usd in reports]))
        figure.save()
        made.cells_recomputed += 1
        if figure.shown_figures != before:
            changed.add(cell)
    SalaryReport.objects.filter(pk__in=spent).update(releases_used=F("releases_used") + 1)
    made.cells_shown = ReportFigure.objects.exclude(people=None).count()
    made.save()
    slugs = dict(
        Role.objects.filter(pk__in={role for role, _, _ in changed}).values_list("pk", "slug")
    )
    scopes = {
        scope
        for role, country, _ in changed
        for scope in versions.scopes_of_group(slugs[role], country)
    }
    if scopes:
        versions.move(*scopes)
    log.info(
        "figures released",
        extra={"release": made.pk, "cells_changed": len(changed), "reports_used": len(spent)},
    )
    return made


def people_released() -> int:
    """About how many people the shown report figures rest on, as released."""
    return sum(ReportFigure.objects.exclude(people=None).values_list("people", flat=True))


@dataclass
class ReportRow:
    level: str
    people: int  # about: a noisy count
    median: float | None  # in the section's unit; None below MEDIAN_FROM


@dataclass
class ReportSection:
    """A role's figures in one country from people who told Talab: a kind of its own, never
    blended with survey figures (salaries.figures.releases)."""

    unit: DisplayUnit
    # The latest release, not the one that last computed these cells: when a cell was computed
    # again would tell that it grew by half or lost a report.
    released: object
    rows: list[ReportRow]
    median_from: int = MEDIAN_FROM


def report_privacy() -> dict:
    """The release's privacy parameters, as the methodology page states them."""
    r = privacy
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
    return ReportSection(unit, Release.objects.latest().made_at, rows)


# Checking an offer ------------------------------------------------------------------------
