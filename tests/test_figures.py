"""The figures layer's rules, unit by unit; the attacks on whole pages are in test_privacy."""

from decimal import Decimal

import pytest

from salaries import figures
from salaries.models import Level
from salaries.money import Display, display_unit
from tests.factories import SalaryObservationFactory

pytestmark = pytest.mark.django_db


def make(amounts, **fields):
    for amount in amounts:
        SalaryObservationFactory(amount=Decimal(amount), usd_yearly=Decimal(amount), **fields)


def usd_query(**filters):
    return figures.Criteria.for_group(display_unit(Display.USD), **filters)


@pytest.mark.parametrize(
    "value, rounded",
    [(10_250, 10_300), (5_123_456.78, 5_120_000), (999.6, 1_000), (87_654, 87_700), (0, 0)],
)
def test_statistics_are_rounded_to_three_significant_figures(value, rounded):
    assert figures.round_significant(value) == rounded


@pytest.mark.parametrize(
    "people, shown",
    [
        (0, set()),
        (4, set()),
        (5, {"median"}),
        (9, {"median"}),
        (10, {"median", "p25", "p75"}),
        (19, {"median", "p25", "p75"}),
        (20, {"median", "p25", "p75", "p10", "p90"}),
    ],
)
def test_each_statistic_needs_its_own_number_of_people(people, shown):
    make(range(50_000, 50_000 + 1000 * people, 1000))
    summary = figures.panel(usd_query()).summary
    statistics_shown = {
        name for name in ("p10", "p25", "median", "p75", "p90") if getattr(summary, name)
    }
    assert statistics_shown == shown
    assert str(summary.people) == (f"{people}" if people >= 5 else "fewer than 5")


def test_histogram_needs_twenty_people_and_hides_small_bins(django_capture_on_commit_callbacks):
    make([10_000 + 10 * i for i in range(18)] + [90_000])
    assert figures.panel(usd_query()).histogram is None
    with django_capture_on_commit_callbacks(execute=True):
        make([90_000])
    bins = figures.panel(usd_query()).histogram.bins
    assert sum(b.people.exact for b in bins) == 20
    assert {str(b.people) for b in bins if 0 < b.people.exact < 5} <= {"fewer than 5"}
    assert any(str(b.people) == "fewer than 5" for b in bins if b.people.exact == 2)


def test_breakdown_folds_small_open_ended_groups_and_lists_every_level():
    make([40_000] * 6, year=2024)
    make([50_000] * 2, year=2023)
    make([60_000] * 1, year=2022, level=Level.SENIOR)
    landing = figures.landing(usd_query(), by_country=False)
    assert [g.key for g in landing.by_year.groups] == [2024]
    assert str(landing.by_year.others) == "fewer than 5"
    levels = {g.key: str(g.summary.people) for g in landing.by_level.groups}
    assert list(levels) == list(Level.values)
    assert levels[Level.SENIOR] == levels[Level.ENTRY] == "fewer than 5"  # 1 and 0 look alike
    assert levels[Level.MID] == "8"


def test_junk_parameters_share_the_clean_query_entry(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make([70_000 + i for i in range(6)], employee_country="NP")
    client.get("/salaries/", {"country": "NP"})
    with CaptureQueriesContext(connection) as captured:  # a page of its own, figures shared
        client.get("/salaries/", {"country": "NP", "utm_source": "x", "page": "2", "sort": "pay"})
    aggregates = [q["sql"] for q in captured if "percentile_cont" in q["sql"].lower()]
    assert not aggregates


def test_a_write_moves_the_data_version_only_when_it_commits(
    django_capture_on_commit_callbacks,
):
    make([10_000] * 5)
    assert str(figures.panel(usd_query()).summary.people) == "5"
    with django_capture_on_commit_callbacks(execute=True):
        make([10_000])
        assert str(figures.panel(usd_query()).summary.people) == "5"  # not committed yet
    assert str(figures.panel(usd_query()).summary.people) == "6"
