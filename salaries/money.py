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
from django.utils.translation import get_language, gettext
from django_countries import countries

from salaries.models import ExchangeRate, PurchasingPowerFactor

# South Asian grouping (1,50,000) for the currencies whose readers expect it.
LOCALE_FOR_CURRENCY = {"INR": "en_IN", "NPR": "en_IN", "PKR": "en_IN", "BDT": "en_IN"}
LAKH = Decimal(100_000)
CRORE = Decimal(10_000_000)


# Rupees are read in lakh and crore: NPR 12.3 lakh, ₹1.02 crore.
LAKH_CURRENCIES = {"INR": "₹", "NPR": "NPR "}
LAKH_UNITS = {"crore": CRORE, "lakh": LAKH}


# Nepali pages write numbers in Devanagari digits and say lakh and crore in Nepali.
DEVANAGARI_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")
NEPALI_UNITS = {" lakh": " लाख", " crore": " करोड"}


def in_page_language(text: str) -> str:
    """A number or an amount as the page's language writes it: NPR 12.3 lakh on English
    pages, NPR १२.३ लाख on Nepali ones."""
    if get_language() != "ne":
        return text
    for english, nepali in NEPALI_UNITS.items():
        text = text.replace(english, nepali)
    return text.translate(DEVANAGARI_DIGITS)


def significant(amount) -> Decimal:
    """`amount` to the significant figures every figure on the site is rounded to."""
    # Imported here: the figures layer imports this module.
    from salaries.figures.privacy import round_significant

    return Decimal(str(round_significant(amount)))


@dataclass(frozen=True)
class MoneyStyle:
    """How figures read together are written: all in crore, all in lakh, or all in digits, so
    a range never mixes two (NPR 0.7–1.6 lakh, not NPR 70,000 – NPR 1.6 lakh)."""

    currency: str
    unit: str = ""  # "crore" or "lakh"; "" writes digits

    @classmethod
    def for_figures(cls, currency: str, *amounts) -> "MoneyStyle":
        """Crore or lakh when the largest figure is at least one of it and the smallest at
        least a tenth (₹0.5–1.2 crore; but ₹5–120 lakh, not ₹0.05–1.2 crore), figures
        rounded first (99,95,000 is ₹1 crore); else digits (NPR 35,000 – NPR 65,000)."""
        if currency not in LAKH_CURRENCIES:
            return cls(currency)
        rounded = [abs(significant(amount)) for amount in amounts if amount is not None]
        for unit, size in LAKH_UNITS.items():
            if rounded and max(rounded) >= size and min(rounded) >= size / 10:
                return cls(currency, unit)
        return cls(currency)

    def number(self, amount) -> str:
        """In lakh or crore, to the significant figures and no trailing zeros: 5.63, 0.7."""
        size = LAKH_UNITS[self.unit]
        return format_decimal(significant(amount) / size, "#,##0.###", locale="en_IN")

    def one(self, amount) -> str:
        if self.unit:
            return f"{LAKH_CURRENCIES[self.currency]}{self.number(amount)} {self.unit}"
        return format_digits(amount, self.currency)

    def span(self, low, high, tight=False) -> str:
        """From low to high, the currency and unit said once where the unit is lakh or crore;
        `tight` closes up the dash between digits ($24,000–$30,000), for a span inside a
        longer range."""
        if high is None or high == low:
            return self.one(low)
        if self.unit:
            symbol = LAKH_CURRENCIES[self.currency]
            return f"{symbol}{self.number(low)}–{self.number(high)} {self.unit}"
        dash = "–" if tight else " – "
        return f"{self.one(low)}{dash}{self.one(high)}"


def format_digits(amount, currency: str) -> str:
    """NPR 70,000 · NPR 1,50,000 · $120,000 · €85,000 · CA$130,000 · Int$45,000."""
    amount = Decimal(str(amount)).quantize(Decimal(1))
    if currency == "PPP":
        return "Int$" + format_decimal(amount, "#,##0", locale="en")
    locale = LOCALE_FOR_CURRENCY.get(currency, "en")
    grouping = "#,##,##0" if locale == "en_IN" else "#,##0"
    # A symbol made of letters (NPR, AED, CHF) reads better with a space after it.
    space = " " if get_currency_symbol(currency, locale).isalpha() else ""
    return format_currency(
        amount, currency, format=f"¤{space}{grouping}", locale=locale, currency_digits=False
    )


def format_money(amount, currency: str) -> str:
    """NPR 12.3 lakh · ₹1.02 crore · NPR 70,000 · $120,000 · €85,000 · CA$130,000 · Int$45,000."""
    if amount is None:
        return "–"
    return in_page_language(MoneyStyle.for_figures(currency, amount).one(amount))


def format_range(low, high, currency: str, open_ended=False, high_from=None) -> str:
    """A range in one style: NPR 0.7–1.6 lakh · ₹0.5–1.2 crore · $120,000 – $160,000 ·
    NPR 1.5–2.5 lakh+ (its top left open) · up to $90,000 · £97,500+ · ₹10 lakh to ₹20–25 lakh
    and $12,000 to $24,000–$30,000 (a top end given as a range of its own, `high_from` to
    `high`)."""
    style = MoneyStyle.for_figures(currency, low, high_from, high)
    if high_from is not None:
        top = style.span(high_from, high, tight=True)
        if low is None:
            text = gettext("up to %(high)s") % {"high": top}
        else:
            text = gettext("%(low)s to %(high)s") % {"low": style.one(low), "high": top}
    elif low is None:
        text = gettext("up to %(high)s") % {"high": style.one(high)}
    else:
        text = style.span(low, high)
    return in_page_language(text + "+" if open_ended else text)


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
        amount = significant(value)
        if (style := MoneyStyle.for_figures(self.code, amount)).unit:
            return in_page_language(f"{style.number(amount)} {style.unit}")
        if abs(amount) >= 1_000_000:
            text = f"{format_decimal(amount / 1_000_000, '#,##0.##', locale='en')}M"
        elif abs(amount) >= 1_000:
            text = f"{format_decimal(amount / 1_000, '#,##0.##', locale='en')}k"
        else:
            text = format_decimal(amount, "#,##0", locale="en")
        return in_page_language(text)

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
