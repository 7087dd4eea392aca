"""How a salary figure becomes comparable: yearly, in USD, and adjusted for purchasing power.

This is the one place the rules live (the methodology page states them):
- yearly = amount x HOURS_A_YEAR for an hourly figure (a full-time year), x 12 for a monthly
  one;
- USD = yearly / (units of the currency per USD) at the rate for the figure's year, or the
  nearest year we have, preferring the earlier one on a tie;
- PPP = yearly in the local currency of the country whose prices apply / that country's PPP
  conversion factor (local currency per international dollar) for the nearest year. A figure
  paid in another currency is first converted to the local one through USD.
A figure with no rate or factor gets no USD or PPP value, never a guess.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# A full-time year, for hourly pay (pages state it: {% full_time "hours_a_year" %}).
HOURS_A_WEEK = 40
WEEKS_A_YEAR = 52
HOURS_A_YEAR = HOURS_A_WEEK * WEEKS_A_YEAR
ANNUAL_MULTIPLIER = {"hour": Decimal(HOURS_A_YEAR), "month": Decimal(12), "year": Decimal(1)}
CENT = Decimal("0.01")
# Stored yearly amounts have 14 digits before the point; no salary comes near this.
MAX_AMOUNT = Decimal("1e12")


def plausible_yearly(amount, period: str) -> bool:
    return Decimal(amount) * ANNUAL_MULTIPLIER[period] < MAX_AMOUNT


@dataclass(frozen=True)
class Converted:
    yearly: Decimal
    usd: Decimal | None
    ppp: Decimal | None
    exchange_rate_id: int | None
    ppp_factor_id: int | None


def nearest_year(years, year: int) -> int | None:
    """The year itself if held, else the nearest one, the earlier on a tie; None if none."""
    if not years:
        return None
    if year in years:
        return year
    return min(years, key=lambda y: (abs(y - year), y > year))


def _nearest(by_year: dict[int, tuple], year: int):
    best = nearest_year(by_year, year)
    return None if best is None else by_year[best]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class ConversionTable:
    """Exchange rates and PPP factors held in memory, so a whole import converts quickly."""

    def __init__(self, rates, ppp_factors):
        # rates: iterable of (id, currency, year, units_per_usd)
        # ppp_factors: iterable of (id, country, year, lcu_per_international_dollar, currency)
        self.rates: dict[str, dict[int, tuple]] = {}
        for rate_id, currency, year, units in rates:
            self.rates.setdefault(currency, {})[year] = (rate_id, Decimal(units))
        self.ppp: dict[str, dict[int, tuple]] = {}
        for factor_id, country, year, factor, currency in ppp_factors:
            self.ppp.setdefault(country, {})[year] = (factor_id, Decimal(factor), currency)

    def rate(self, currency: str, year: int):
        """(rate id, units per USD) for the year or the nearest one, or None."""
        return _nearest(self.rates.get(currency, {}), year)

    def rate_year(self, currency: str, year: int) -> int | None:
        """The year whose rate `rate` gives for this currency and year."""
        return nearest_year(self.rates.get(currency, {}), year)

    def convert(self, amount, period: str, currency: str, country: str | None, year: int):
        yearly = Decimal(amount) * ANNUAL_MULTIPLIER[period]
        rate = self.rate(currency, year)
        usd = yearly / rate[1] if rate else None
        ppp, factor_id = None, None
        factor = _nearest(self.ppp.get(country, {}), year) if country else None
        if factor:
            factor_id, lcu_per_intl_dollar, local_currency = factor
            if currency == local_currency:
                local = yearly
            else:
                local_rate = self.rate(local_currency, year)
                local = usd * local_rate[1] if usd is not None and local_rate else None
            if local is not None:
                ppp = local / lcu_per_intl_dollar
            else:
                factor_id = None
        return Converted(
            yearly=_cents(yearly),
            usd=_cents(usd) if usd is not None else None,
            ppp=_cents(ppp) if ppp is not None else None,
            exchange_rate_id=rate[0] if rate else None,
            ppp_factor_id=factor_id,
        )
