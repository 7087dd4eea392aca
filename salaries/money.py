"""Units that figures are shown in, and money formatting (Babel, so lakh/crore where it's used)."""

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_symbol,
    get_territory_currencies,
)
from django.db.models import Case, DecimalField, Expression, F, TextChoices, Value, When
from django_countries import countries

from salaries.models import ExchangeRate, PurchasingPowerFactor

# South Asian grouping (1,50,000) for the currencies whose readers expect it.
LOCALE_FOR_CURRENCY = {"INR": "en_IN", "NPR": "en_IN", "PKR": "en_IN", "BDT": "en_IN"}
LAKH = Decimal(100_000)
CRORE = Decimal(10_000_000)


# Rupees are read in lakh and crore: NPR 12.3 lakh, ₹1.2 crore.
LAKH_CURRENCIES = {"INR": "₹", "NPR": "NPR "}


def in_lakh(amount: Decimal) -> str | None:
    """12.3 lakh, 1.2 crore; None under a lakh."""
    if abs(amount) < LAKH:
        return None
    unit, size = ("crore", CRORE) if abs(amount) >= CRORE else ("lakh", LAKH)
    return f"{format_decimal(amount / size, '#,##0.#', locale='en_IN')} {unit}"


def format_money(amount, currency: str) -> str:
    """NPR 12.3 lakh · ₹1.2 crore · NPR 70,000 · $120,000 · €85,000 · CA$130,000 · Int$45,000."""
    if amount is None:
        return "–"
    amount = Decimal(str(amount)).quantize(Decimal(1))
    if currency == "PPP":
        return "Int$" + format_decimal(amount, "#,##0", locale="en")
    if currency in LAKH_CURRENCIES and (lakh := in_lakh(amount)):
        return LAKH_CURRENCIES[currency] + lakh
    locale = LOCALE_FOR_CURRENCY.get(currency, "en")
    grouping = "#,##,##0" if locale == "en_IN" else "#,##0"
    # A symbol made of letters (NPR, AED, CHF) reads better with a space after it.
    space = " " if get_currency_symbol(currency, locale).isalpha() else ""
    return format_currency(
        amount, currency, format=f"¤{space}{grouping}", locale=locale, currency_digits=False
    )


class Display(TextChoices):
    """The unit figures are shown in."""

    LOCAL = "local", "Local currency"
    USD = "usd", "US dollars"
    PPP = "ppp", "PPP-adjusted (international $)"


@dataclass(frozen=True)
class DisplayUnit:
    """What figures are shown in, and the SQL expression giving each report's yearly pay in it."""

    code: str  # ISO 4217, or "PPP"
    value: Expression
    rate: ExchangeRate | None = None  # the one rate a local-currency view converts with
    ppp_factor: PurchasingPowerFactor | None = None  # the latest, for a one-country page

    @property
    def is_ppp(self) -> bool:
        return self.code == "PPP"

    def format(self, value) -> str:
        return format_money(value, self.code)

    def format_compact(self, value) -> str:
        """A chart's axis label, the currency named once in the axis title: 120k, 12 lakh."""
        amount = Decimal(str(value))
        if self.code in LAKH_CURRENCIES and (lakh := in_lakh(amount)):
            return lakh
        if abs(amount) >= 1_000_000:
            return f"{format_decimal(amount / 1_000_000, '#,##0.#', locale='en')}M"
        if abs(amount) >= 1_000:
            return f"{format_decimal(amount / 1_000, '#,##0.#', locale='en')}k"
        return format_decimal(amount, "#,##0", locale="en")

    @property
    def name(self) -> str:
        """How an axis title names the unit: NPR, USD, international $ (PPP)."""
        return "international $ (PPP)" if self.is_ppp else self.code

    def from_usd(self, usd):
        """Yearly dollars (released report figures) in this unit; not for PPP."""
        return usd * self.rate.units_per_usd if self.rate else usd

    def yearly_value(self, converted, currency: str):
        """A converted figure (salaries.conversion.Converted) in this unit, the way the unit's
        SQL expression treats a stored observation."""
        if self.is_ppp:
            return converted.ppp
        if self.rate:
            if currency == self.code:
                return converted.yearly
            return converted.usd * self.rate.units_per_usd if converted.usd else None
        return converted.usd


def local_currency(country_code: str) -> str | None:
    """The currency pay is compared in for a country: the one its PPP factor is quoted in,
    else the one CLDR lists first for the territory."""
    if not country_code:
        return None
    factor = PurchasingPowerFactor.objects.latest_for(country_code)
    if factor:
        return factor.currency_id
    currencies = get_territory_currencies(country_code)
    return currencies[0] if currencies else None


def local_currencies() -> dict[str, str]:
    """{country code: the currency pay there is compared in} for every country, in one query
    (local_currency for each, for the report form's script)."""
    factors = dict(
        PurchasingPowerFactor.objects.order_by("country", "year").values_list("country", "currency")
    )
    found = {}
    for code, _name in countries:
        currency = factors.get(code) or next(iter(get_territory_currencies(code)), None)
        if currency:
            found[code] = currency
    return found


def latest_rates() -> dict[str, float]:
    """{currency: its latest units per US dollar}, for the report form's live preview."""
    rates = ExchangeRate.objects.order_by("currency", "as_of").values_list(
        "currency", "units_per_usd"
    )
    return {currency: float(rate) for currency, rate in rates}


def display_unit(choice: str, country_code: str = "") -> DisplayUnit:
    """The unit of a page. A local-currency view keeps reports paid in that currency as they
    were reported and converts the others from USD at the latest rate, which it states."""
    if choice == Display.PPP:
        factor = PurchasingPowerFactor.objects.latest_for(country_code) if country_code else None
        return DisplayUnit("PPP", F("ppp_yearly"), ppp_factor=factor)
    if choice == Display.LOCAL:
        currency = local_currency(country_code)
        rate = ExchangeRate.objects.latest_for(currency) if currency != "USD" else None
        if rate:
            value = Case(
                When(currency=currency, then=F("yearly_amount")),
                default=F("usd_yearly") * Value(rate.units_per_usd),
                output_field=DecimalField(max_digits=20, decimal_places=2),
            )
            return DisplayUnit(currency, value, rate)
    return DisplayUnit("USD", F("usd_yearly"))
