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

from django.db import transaction
from django.db.models import F

from portal import versions
from salaries import noise
from salaries.models import Release, ReportFigure, ReportStatus, Role, SalaryReport

log = logging.getLogger("talab.releases")

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
        cells[(role_id, country, level)].append((pk, float(usd)))
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
