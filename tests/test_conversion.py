import io
from datetime import date
from decimal import Decimal

import pytest

from salaries.conversion import ConversionTable
from salaries.models import conversion_table
from tests.factories import (
    CurrencyFactory,
    ExchangeRateFactory,
    PurchasingPowerFactorFactory,
    SalaryObservationFactory,
)

RATES = [
    (1, "USD", 2024, "1"),
    (2, "NPR", 2023, "132.1"),
    (3, "NPR", 2024, "133.5"),
    (4, "INR", 2022, "78"),
    (5, "INR", 2024, "83"),
    (6, "GBP", 2024, "0.8"),
]
FACTORS = [(10, "NP", 2023, "31.5", "NPR"), (11, "IN", 2023, "20.0", "INR")]


@pytest.fixture
def table():
    return ConversionTable(RATES, FACTORS)


@pytest.mark.parametrize(
    "amount, period, yearly",
    [("50", "hour", "104000.00"), ("100000", "month", "1200000.00"), ("9000", "year", "9000.00")],
)
def test_periods_become_yearly_amounts(table, amount, period, yearly):
    assert table.convert(Decimal(amount), period, "USD", None, 2024).yearly == Decimal(yearly)


def test_usd_uses_the_rate_of_the_figures_year(table):
    converted = table.convert(Decimal("100000"), "month", "NPR", None, 2024)
    assert converted.usd == (Decimal("1200000") / Decimal("133.5")).quantize(Decimal("0.01"))
    assert converted.exchange_rate_id == 3
    assert table.convert(Decimal("100000"), "month", "NPR", None, 2023).exchange_rate_id == 2


def test_nearest_year_prefers_the_earlier_rate_on_a_tie(table):
    # INR has 2022 and 2024; 2023 is one year from both.
    assert table.convert(Decimal("1"), "year", "INR", None, 2023).exchange_rate_id == 4
    assert table.convert(Decimal("1"), "year", "INR", None, 2026).exchange_rate_id == 5


def test_ppp_divides_local_pay_by_the_countrys_factor(table):
    converted = table.convert(Decimal("1200000"), "year", "NPR", "NP", 2024)
    assert converted.ppp == (Decimal("1200000") / Decimal("31.5")).quantize(Decimal("0.01"))
    assert converted.ppp_factor_id == 10


def test_ppp_of_pay_in_a_foreign_currency_goes_through_usd(table):
    # A Nepali freelancer paid USD 30,000: NPR at the 2024 rate, then the Nepal factor.
    converted = table.convert(Decimal("30000"), "year", "USD", "NP", 2024)
    expected = Decimal("30000") * Decimal("133.5") / Decimal("31.5")
    assert converted.ppp == expected.quantize(Decimal("0.01"))


def test_missing_rate_or_factor_gives_no_figure_not_a_guess(table):
    no_rate = table.convert(Decimal("1000"), "year", "JPY", "NP", 2024)
    assert no_rate.usd is None and no_rate.ppp is None and no_rate.exchange_rate_id is None
    no_factor = table.convert(Decimal("1000"), "year", "GBP", "GB", 2024)
    assert no_factor.usd == Decimal("1250.00")
    assert no_factor.ppp is None and no_factor.ppp_factor_id is None


@pytest.mark.django_db
def test_observation_is_normalized_with_the_dated_rate_from_the_database():
    # XTS is ISO 4217's code for testing and AQ has no real salaries: no seed data interferes.
    xts = CurrencyFactory(code="XTS")
    ExchangeRateFactory(currency=xts, units_per_usd=Decimal("120"), as_of=date(2020, 12, 31))
    rate_2024 = ExchangeRateFactory(
        currency=xts, units_per_usd=Decimal("133.5"), as_of=date(2024, 12, 31)
    )
    factor = PurchasingPowerFactorFactory(
        country="AQ", currency=xts, lcu_per_international_dollar=Decimal("31.5")
    )
    observation = SalaryObservationFactory.build(
        currency=xts, amount=Decimal("100000"), period="month", employee_country="AQ", year=2024
    )
    observation.normalize(conversion_table())
    assert observation.yearly_amount == Decimal("1200000.00")
    assert observation.usd_yearly == Decimal("8988.76")
    assert observation.ppp_yearly == Decimal("38095.24")
    assert observation.exchange_rate_id == rate_2024.pk
    assert observation.ppp_factor_id == factor.pk


@pytest.mark.django_db
def test_normalize_salaries_applies_an_edited_rate_to_stored_figures():
    from django.core.management import call_command

    xts = CurrencyFactory(code="XTS")
    rate = ExchangeRateFactory(currency=xts, units_per_usd=Decimal("100"))
    observations = [
        SalaryObservationFactory(currency=xts, amount=Decimal(amount), employee_country="AQ")
        for amount in (1000, 2000, 3000)
    ]
    rate.units_per_usd = Decimal("50")
    rate.save()
    call_command("normalize_salaries", stdout=io.StringIO())
    for observation, amount in zip(observations, (1000, 2000, 3000), strict=True):
        observation.refresh_from_db()
        assert observation.yearly_amount == amount
        assert observation.usd_yearly == Decimal(amount) / 50
        assert observation.exchange_rate_id == rate.pk
