"""Form fields and checks that forms of several apps share (salary reports, offers, job
postings and their filters): a role from our list, an amount as people write it, a currency
we can convert, pay no salary can be, and what the pay form's script reads.

Forms live in each app's forms.py; what they have in common lives here, so that no app
imports another app's forms as a toolbox.
"""

import json
import re
import unicodedata
from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from salaries.conversion import ANNUAL_MULTIPLIER
from salaries.models import Currency, Period, Role
from salaries.money import latest_rates, local_currencies, local_currency
from salaries.names import COUNTRY_ALIASES
from salaries.remembered import remembered
from salaries.widgets import CountryNamesInput, PlainSelect


def role_field(**options):
    """A role chosen from a list, by its slug in the URL."""
    return forms.ModelChoiceField(
        queryset=Role.objects.listed(),
        to_field_name="slug",
        widget=PlainSelect,
        empty_label=_("Choose a role"),
        **options,
    )


def convertible_currencies():
    """Currencies we hold exchange rates for: the only ones a figure can be compared in."""
    return Currency.objects.filter(rates__isnull=False).distinct()


def currency_field(**options):
    """A currency we can convert, left blank for the country's own (see
    follow_country_currency)."""
    options = {"required": False, "empty_label": _("The country's currency"),
               "label": _("Currency"), **options}  # fmt: skip
    return forms.ModelChoiceField(queryset=convertible_currencies(), widget=PlainSelect, **options)


def follow_country_currency(form, data, country: str, message: str) -> None:
    """A currency left blank is the country's own, when we can convert it."""
    data["currency"] = convertible_currencies().filter(code=local_currency(country)).first()
    if not data["currency"]:
        form.add_error("currency", message)


# Words people write after an amount, and what they multiply it by: "1.2 lakh", "12L",
# "120k", "1.5 crore", "2 million".
AMOUNT_WORDS = {
    "k": 1_000, "thousand": 1_000, "l": 100_000, "lac": 100_000, "lakh": 100_000,
    "lakhs": 100_000, "cr": 10_000_000, "crore": 10_000_000, "crores": 10_000_000,
    "m": 1_000_000, "mn": 1_000_000, "million": 1_000_000,
}  # fmt: skip
AMOUNT = re.compile(r"(?P<number>\d+(?:\.\d+)?)\s*(?P<word>[a-z]+)\.?", re.IGNORECASE)


class AmountField(forms.DecimalField):
    """An amount as people write it: 1,50,000 or 150 000 read as 150000, digits of any script
    (१५०००, ١٥٠٠٠) as the same number, and "1.2 lakh", "12L", "120k" or "1.5 crore" as the
    number they mean. A text box rather than a number box, so that what was typed is kept and
    shown back whatever it is."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Write the amount in digits, such as 1,50,000 (or 1.5 lakh, or 150k)."),
        "max_value": _("That is more than any pay we can count: check the amount."),
        "min_value": _("Write an amount above zero."),
        "max_digits": _("That is more than any pay we can count: check the amount."),
        "max_whole_digits": _("That is more than any pay we can count: check the amount."),
        "max_decimal_places": _("Write at most two digits after the point."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(
                str(unicodedata.decimal(char)) if char.isdecimal() else char
                for char in value
                if char not in ", \u00a0_"
            )
            if found := AMOUNT.fullmatch(value):
                times = AMOUNT_WORDS.get(found["word"].lower())
                if times is None:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
                value = str(Decimal(found["number"]) * times)
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {}  # no min/max/step: those belong to a number box


# Pay in US dollars a year that no report can be: below, a typo in the period or currency;
# above, a number nobody earns as a salary.
MIN_USD_YEARLY = Decimal(300)
MAX_USD_YEARLY = Decimal(5_000_000)


def implausible_pay(usd_yearly, check_floor=True) -> str | None:
    """Why pay of this many dollars a year cannot be a salary, or None when it can."""
    dollars = {"usd": f"${usd_yearly:,.0f}"}
    if check_floor and usd_yearly < MIN_USD_YEARLY:
        return gettext("That is about %(usd)s a year. Check the amount and the period.") % dollars
    if usd_yearly > MAX_USD_YEARLY:
        return (
            gettext(
                "That is about %(usd)s a year, more than any salary we can count. Check the "
                "amount, the currency and the period."
            )
            % dollars
        )
    return None


# Countries where pay is quoted per month: in Nepal, Pakistan, Bangladesh and Sri Lanka an
# offer letter, a job advert and a conversation give the monthly figure, so a blank period
# means per month there. India is left out: offers there are quoted as a yearly CTC ("12 LPA").
# Everywhere else, yearly.
MONTHLY_QUOTING = frozenset({"NP", "PK", "BD", "LK"})


def quoting_period(country: str | None) -> str:
    """The period pay is usually quoted per in a country: what a form assumes until told."""
    return Period.MONTH if (country or "").upper() in MONTHLY_QUOTING else Period.YEAR


# A figure this many times the role's usual yearly pay (or this fraction of it) was probably
# typed for another period: a monthly salary entered as yearly, or the reverse.
PERIOD_MIXUP_RATIO = 4


def likely_period(usd_yearly, period: str, typical_usd: float | None) -> str | None:
    """The period a figure was probably meant for, when it is not the chosen one: its yearly
    value in dollars is far (PERIOD_MIXUP_RATIO times) from what the role usually earns, and
    read per month (or per year) it would be near. None when the figure is plausible as it
    is, when no other reading is, or when there is no yardstick. One rule for every form that
    takes pay (job postings, offers)."""
    if not typical_usd or usd_yearly is None:
        return None

    def near(value: float) -> bool:
        return typical_usd / PERIOD_MIXUP_RATIO <= value <= typical_usd * PERIOD_MIXUP_RATIO

    if near(float(usd_yearly)):
        return None
    per_period = float(usd_yearly) / float(ANNUAL_MULTIPLIER[period])
    for other in (Period.MONTH, Period.YEAR):
        if other != period and near(per_period * float(ANNUAL_MULTIPLIER[other])):
            return other
    return None


def pay_form_data() -> dict:
    """What static/js/pay-form.js reads: each country's currency, the latest rates, and the
    words an amount may end with. Reference data: remembered until it changes, like figures."""
    return {
        "amount_words": json.dumps(AMOUNT_WORDS),
        "currency_of_country": remembered(
            "local-currencies", lambda: json.dumps(local_currencies())
        ),
        "usd_rates": remembered("latest-rates", lambda: json.dumps(latest_rates())),
    }


class CountryNamesField(forms.Field):
    """Several countries, typed by name and separated by commas ("India, Nepal, usa"), or given
    as a list of codes (a job feed, a posting being edited): the codes, in the order given."""

    widget = CountryNamesInput
    SEPARATORS = re.compile(r"[,;\n]+")

    def to_python(self, value):
        if not value:
            return []
        items = value if isinstance(value, (list, tuple)) else self.SEPARATORS.split(value)
        codes, unknown = [], []
        for item in (str(item).strip() for item in items):
            if not item:
                continue
            code = countries.by_name(item) or COUNTRY_ALIASES.get(item.lower(), "")
            code = code or (item.upper() if item.upper() in countries else "")
            if not code:
                unknown.append(f"“{item}”")
            elif code not in codes:
                codes.append(code)
        if unknown:
            raise forms.ValidationError(
                gettext(
                    "We do not know the country %(names)s. Type country names separated by "
                    "commas, such as India, Nepal, and pick them from the list as you type."
                )
                % {"names": ", ".join(unknown)}
            )
        return codes
