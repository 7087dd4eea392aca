from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from salaries.models import (
    Currency,
    ExchangeRate,
    Level,
    Period,
    PublishedPayGap,
    PublishedRange,
    PurchasingPowerFactor,
    Source,
)
from tests.factories import PublishedRangeFactory, SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")


def counts():
    models = [
        Currency,
        ExchangeRate,
        PurchasingPowerFactor,
        Source,
        PublishedRange,
        PublishedPayGap,
    ]
    return [model.objects.count() for model in models]


def test_loading_twice_changes_nothing():
    before = counts()
    call_command("load_reference_data")
    assert counts() == before


def test_every_currency_we_need_has_rates_and_the_seed_countries_have_ppp_factors():
    needed = {"NPR", "INR", "USD", "CAD", "GBP", "EUR", "AED", "CHF", "PLN", "AUD", "BRL"}
    rated = set(ExchangeRate.objects.values_list("currency", flat=True))
    assert needed <= rated
    countries = set(PurchasingPowerFactor.objects.values_list("country", flat=True))
    assert {"NP", "IN", "US", "CA", "GB", "DE", "AE"} <= countries


def test_seed_figures_cite_their_article_and_are_normalized():
    nepal_mid = PublishedRange.objects.select_related("source").get(
        country="NP", level=Level.MID, employment_type="", currency="NPR"
    )
    assert (nepal_mid.low, nepal_mid.high) == (Decimal("70000"), Decimal("160000"))
    assert nepal_mid.period == Period.MONTH
    assert (nepal_mid.years_min, nepal_mid.years_max) == (3, 5)
    assert nepal_mid.source.title == "Machine Learning Engineer Salary in Nepal and Abroad"
    assert nepal_mid.yearly_low == Decimal("840000")
    assert 5_000 < nepal_mid.usd_low < 7_000
    assert nepal_mid.ppp_low > nepal_mid.usd_low  # Nepal's prices are below the US's
    sources = set(PublishedRange.objects.values_list("source__key", flat=True))
    assert sources == {"nepal-blog-2026", "somani-2026", "comprehensive-guide-2025"}
    assert not PublishedRange.objects.filter(usd_low__isnull=True, usd_high__isnull=True).exists()


def test_india_figures_by_level_are_loaded_in_rupees_per_year():
    india = PublishedRange.objects.filter(country="IN", source__key="somani-2026")
    assert {r.level for r in india} >= {Level.ENTRY, Level.MID, Level.SENIOR}
    assert all(r.currency_id == "INR" and r.period == Period.YEAR for r in india)


@pytest.mark.parametrize(
    "fields",
    [
        {"low": Decimal("200"), "high": Decimal("100")},
        {"low": None, "high": None},
        {"low": Decimal("-5"), "high": Decimal("100")},
        {"years_min": 6, "years_max": 2},
    ],
    ids=["low above high", "no bound", "negative", "years reversed"],
)
def test_database_rejects_impossible_ranges(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedRangeFactory(**fields)


def test_database_rejects_a_nonpositive_observation_and_a_duplicate_row():
    with pytest.raises(IntegrityError), transaction.atomic():
        SalaryObservationFactory(amount=Decimal("0"))
    first = SalaryObservationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SalaryObservationFactory(source=first.source, source_key=first.source_key)


def test_the_ai_versus_ml_engineer_gap_is_a_cited_relative_figure(client):
    from salaries.models import PublishedPayGap

    gap = PublishedPayGap.objects.select_related("role", "compared_to", "source").get()
    assert (gap.role.name, gap.compared_to.name) == ("AI Engineer", "Machine Learning Engineer")
    assert (gap.low_percent, gap.high_percent) == (10, 15)
    assert gap.source.key == "nepal-blog-2026"
    page = client.get("/salaries/machine-learning-engineer/").content.decode()
    assert "AI Engineer pay is 10–15% above Machine Learning Engineer pay worldwide" in page
