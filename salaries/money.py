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

from salaries.models import ExchangeRate, PurchasingPowerFactor

# South Asian grouping (1,50,000) for the currencies whose readers expect it.
LOCALE_FOR_CURRENCY = {"INR": "en_IN", "NPR": "en_IN", "PKR": "en_IN", "BDT": "en_IN"}
LAKH = Decimal(100_000)
CRORE = Decimal(10_000_000)


def format_money(amount, currency: str) -> str:
    """NPR 1,50,000 · ₹12 lakh · $120,000 · €85,000 · CA$130,000 · Int$45,000 (PPP)."""
    if amount is None:
        return "–"
    amount = Decimal(str(amount)).quantize(Decimal(1))
    if currency == "PPP":
        return "Int$" + format_decimal(amount, "#,##0", locale="en")
    if currency == "INR" and abs(amount) >= LAKH:
        unit, size = ("crore", CRORE) if abs(amount) >= CRORE else ("lakh", LAKH)
        return f"₹{format_decimal(amount / size, '#,##0.#', locale='en_IN')} {unit}"
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
