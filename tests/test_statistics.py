import random
import statistics as py_statistics
from decimal import Decimal

import pytest

from salaries import statistics
from salaries.models import Level, SalaryObservation
from salaries.money import format_money
from tests.factories import RoleFactory, SalaryObservationFactory

pytestmark = pytest.mark.django_db


def make(amounts, **fields):
    for amount in amounts:
        SalaryObservationFactory(
            amount=Decimal(amount), usd_yearly=Decimal(amount), ppp_yearly=Decimal(amount) * 2,
            **fields,
        )  # fmt: skip


def python_percentiles(values):
    """Linear interpolation between closest ranks, computed without the database."""
    cuts = py_statistics.quantiles(values, n=20, method="inclusive")  # 5 %, 10 %, ... 95 %
    return {"p10": cuts[1], "p25": cuts[4], "median": cuts[9], "p75": cuts[14], "p90": cuts[17]}


def test_percentiles_equal_an_independent_computation():
    rng = random.Random(42)
    amounts = [rng.randint(20_000, 400_000) for _ in range(137)]
    make(amounts)
    summary = statistics.summarize(SalaryObservation.objects.all(), "usd_yearly")
    assert summary.count == 137
    for name, expected in python_percentiles(amounts).items():
        assert getattr(summary, name) == pytest.approx(expected), name


def test_median_of_an_even_sample_interpolates():
    make([1, 2, 3, 4, 100])
    make([10], level=Level.SENIOR)
    summary = statistics.summarize(SalaryObservation.objects.all(), "usd_yearly")
    assert summary.median == pytest.approx(3.5)


def test_breakdown_by_level_matches_python_per_group():
    rng = random.Random(7)
    per_level = {
        Level.ENTRY: [rng.randint(10_000, 50_000) for _ in range(11)],
        Level.SENIOR: [rng.randint(90_000, 200_000) for _ in range(23)],
        Level.LEAD: [rng.randint(150_000, 300_000) for _ in range(3)],
    }
    for level, amounts in per_level.items():
        make(amounts, level=level)
    groups = {g.key: g.distribution for g in statistics.breakdown(
        SalaryObservation.objects.all(), "usd_yearly", "level"
    )}  # fmt: skip
    for level, amounts in per_level.items():
        assert groups[level].count == len(amounts)
        assert groups[level].median == pytest.approx(py_statistics.median(amounts))


def test_histogram_counts_every_observation_once():
    rng = random.Random(3)
    amounts = [rng.randint(30_000, 250_000) for _ in range(200)] + [5_000_000]
    make(amounts)
    observations = SalaryObservation.objects.all()
    summary = statistics.summarize(observations, "usd_yearly")
    histogram = statistics.histogram(observations, "usd_yearly", summary)
    assert sum(b.count for b in histogram.bins) == 201
    assert histogram.bins[-1].open_high  # the outlier sits in an open last band
    assert histogram.bins[-1].high < 1_000_000
    for b in histogram.bins:
        if not (b.open_low or b.open_high):
            expected = sum(1 for a in amounts if b.low <= a < b.high)
            assert b.count == expected


def test_breakdown_by_two_fields_keys_by_tuple():
    role = RoleFactory(name="Data Scientist")
    make([1, 2, 3, 4, 5], role=role, employee_country="IN")
    groups = statistics.breakdown(
        SalaryObservation.objects.filter(role=role), "usd_yearly", ["employee_country", "level"]
    )
    assert [g.key for g in groups] == [("IN", Level.MID)]


@pytest.mark.parametrize(
    "amount, currency, text",
    [
        (150000, "NPR", "NPR 1.5 lakh"),
        (70000, "NPR", "NPR 70,000"),
        (1_200_000, "INR", "₹12 lakh"),
        (25_000_000, "INR", "₹2.5 crore"),
        (120000, "USD", "$120,000"),
        (85000.4, "EUR", "€85,000"),
        (130000, "CAD", "CA$130,000"),
        (5790, "AED", "AED 5,790"),
        (45000, "PPP", "Int$45,000"),
        (None, "USD", "–"),
    ],
)
def test_money_is_formatted_the_way_its_readers_expect(amount, currency, text):
    assert format_money(amount, currency) == text
