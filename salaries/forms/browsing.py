"""Forms visitors browse figures with: compare countries, check an offer, find a page."""

import contextlib
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from portal.forms import PlainMessages, interpolate
from salaries import figures, names
from salaries.conversion import plausible_yearly
from salaries.fields import (
    MONTHLY_QUOTING,
    AmountField,
    currency_field,
    follow_country_currency,
    likely_period,
    quoting_period,
    role_field,
)
from salaries.models import Level, Period, conversion_table
from salaries.money import format_money, local_currency
from salaries.widgets import PlainSelect, RepeatedSelect

MAX_COMPARED = 6
A_PERIOD = {Period.HOUR: _("an hour"), Period.MONTH: _("a month"), Period.YEAR: _("a year")}


def offer_choices_with_data(form, names):
    """Offer only roles, countries (and so on) that have data, with counts: a choice that
    returns nothing is a dead end. Any value is still accepted, so a shared link to a rarer
    choice keeps working, and shows what it chose."""
    choices = figures.filter_choices()
    for name in names:
        field = form.fields[name]
        options = [(choice.key, choice.label) for choice in choices[name]]
        chosen = form.data.get(name) if form.is_bound else None
        if chosen and chosen not in {str(key) for key, _ in options}:
            options = [(chosen, chosen), *options]
        empty = getattr(field, "empty_label", None) or field.widget.choices[0][1]
        field.widget.choices = [("", empty), *options]


class CompareForm(PlainMessages, forms.Form):
    role = role_field()
    countries = forms.MultipleChoiceField(
        choices=countries,
        widget=RepeatedSelect(slots=MAX_COMPARED, item=_("Country")),
        help_text=interpolate(_("Two to %(most)s countries."), {"most": MAX_COMPARED}),
    )
    levels = forms.MultipleChoiceField(
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional: split each country by level."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_choices_with_data(self, ["role"])
        # Countries some figure rests on; any country is still accepted from a shared link.
        chosen = set(self.data.getlist("countries")) if self.is_bound else set()
        known = [(c.key, c.label) for c in figures.filter_choices()["country"]]
        self.fields["countries"].widget.choices = [
            *((code, name) for code, name in countries if code in chosen - {k for k, _ in known}),
            *known,
        ]

    def clean_countries(self):
        codes = list(dict.fromkeys(self.cleaned_data["countries"]))  # keep order, drop repeats
        if not 2 <= len(codes) <= MAX_COMPARED:
            raise forms.ValidationError(
                gettext("Choose between 2 and %(most)s countries.") % {"most": MAX_COMPARED}
            )
        return codes


class OfferForm(PlainMessages, forms.Form):
    """An offer to check against the market: a GET form, so a result is a link to share."""

    role = role_field(label=_("Role"))
    country = forms.ChoiceField(
        choices=[("", _("Choose a country")), *countries], widget=PlainSelect, label=_("Country")
    )
    level = forms.ChoiceField(
        choices=[("", _("Any level")), *Level.choices], required=False, label=_("Level (optional)")
    )
    amount = AmountField(
        label=_("Offered pay, before tax"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )
    currency = currency_field()
    period = forms.ChoiceField(
        choices=Period.choices, initial=Period.YEAR, required=False, label=_("Per")
    )
    # Shown only once the amount looks like it is for another period (see check_period).
    confirm_period = forms.BooleanField(required=False, label=_("Yes, the amount is right"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_choices_with_data(self, ["role", "country"])
        self.needs_confirmation = False

    def __iter__(self):
        """The confirmation box only once the amount looks like it is for another period."""
        confirming = self.needs_confirmation or self["confirm_period"].value()
        return (
            field for field in super().__iter__() if field.name != "confirm_period" or confirming
        )

    @classmethod
    def from_query(cls, query) -> "OfferForm":
        """Bound once an amount is given; before that a blank form, with role and country
        from a landing page's link and the currency following the country."""
        if query.get("amount"):
            if not query.get("period"):  # as the country quotes pay, and shown so
                query = query.copy()
                query["period"] = quoting_period(query.get("country", ""))
            return cls(query)
        initial = {}
        with contextlib.suppress(forms.ValidationError):
            initial["role"] = cls.base_fields["role"].clean(query.get("role", ""))
        country = query.get("country", "").upper()
        if country in countries:
            initial["country"] = country
            initial["currency"] = local_currency(country)
            initial["period"] = quoting_period(country)
        return cls(initial=initial)

    def clean(self):
        data = super().clean()
        country, amount = data.get("country"), data.get("amount")
        # A period left out is the one the country quotes pay in (per month in Nepal).
        period = data["period"] = data.get("period") or quoting_period(country)
        if country and not data.get("currency"):
            follow_country_currency(
                self, data, country, gettext("Choose the currency the offer is in.")
            )
        if amount and not plausible_yearly(amount, period):
            self.add_error("amount", gettext("This amount is too large to be a salary."))
        elif amount and country and data.get("role") and data.get("currency"):
            self.check_period(data)
        return data

    def check_period(self, data):
        """No verdict on an amount that looks typed for another period (NPR 1,20,000 "a year"
        for an engineer in Nepal) until the visitor confirms it or changes the period: the same
        rule as the job form's, against the same yardstick."""
        if data.get("confirm_period"):
            return
        usd = self.converted().usd
        typical = figures.typical_yearly_usd(
            data["role"], data["country"], data.get("employment_type") or ""
        )
        meant = likely_period(usd, data["period"], typical)
        if not meant:
            return
        self.needs_confirmation = True
        chosen = str(Period(data["period"]).label)  # "per year"
        label = gettext("Yes, %(period)s") % {"period": chosen}
        self.fields["confirm_period"].label = self["confirm_period"].label = label
        code, typed = data["currency"].code, self.as_typed()
        dollars = {"typed": typed, "usd": format_money(usd, "USD")}
        if data["period"] != Period.YEAR:
            typed = gettext("%(typed)s (about %(usd)s a year)") % dollars
        elif code != "USD":
            typed = gettext("%(typed)s (about %(usd)s)") % dollars
        values = {"typed": typed, "meant": Period(meant).label, "period": chosen}
        if usd < typical:
            message = gettext(
                "That is %(typed)s, far below what this role usually earns. Did you mean "
                "%(meant)s? Choose it, or tick “Yes, %(period)s” below."
            )
        else:
            message = gettext(
                "That is %(typed)s, far above what this role usually earns. Did you mean "
                "%(meant)s? Choose it, or tick “Yes, %(period)s” below."
            )
        self.add_error("period", message % values)

    def monthly_countries(self) -> str:
        """For static/js/offer-form.js: countries whose pay is quoted per month."""
        return " ".join(sorted(MONTHLY_QUOTING))

    def as_typed(self) -> str:
        """The offer in the visitor's currency and period: "NPR 1.5 lakh a month"."""
        data = self.cleaned_data
        return f"{format_money(data['amount'], data['currency'].code)} {A_PERIOD[data['period']]}"

    def converted(self):
        """The offer as a yearly figure, in dollars and PPP, at this year's rates (or the
        latest we hold)."""
        data = self.cleaned_data
        return conversion_table().convert(
            data["amount"], data["period"], data["currency"].code, data["country"],
            date.today().year,
        )  # fmt: skip


class FindForm(PlainMessages, forms.Form):
    """The home page's "role in country" box: names typed or picked from a list, read the way
    people write them ("senior ml engineer", "Kathmandu", "usa")."""

    role = forms.CharField(max_length=120, label=_("Role"))
    country = forms.CharField(max_length=80, required=False, label=_("Country or city (optional)"))

    def clean_role(self) -> names.NameMatch:
        text = self.cleaned_data["role"].strip()
        match = names.match_names(text)
        if match.role is None:
            raise forms.ValidationError(
                gettext(
                    "We have no role called “%(name)s”. Type a job title such as Data Scientist "
                    "or ML engineer, or pick one from the list."
                )
                % {"name": text}
            )
        return match

    def clean_country(self) -> str:
        text = self.cleaned_data["country"].strip()
        if not text:
            return ""
        code, _, rest = names.find_country(names.words_of(text))
        if not code or rest:
            raise forms.ValidationError(
                gettext(
                    "We do not know a country or city called “%(name)s”. Type a country such as "
                    "Nepal or India, or a city such as Kathmandu."
                )
                % {"name": text}
            )
        return code

    def destination(self) -> tuple[str, list[str], str]:
        """The landing page's URL name, its arguments, and the level to show."""
        match, country = self.cleaned_data["role"], self.cleaned_data["country"]
        country = country or match.country
        args = [match.role.key, *([country.lower()] if country else [])]
        return ("salaries:role_country" if country else "salaries:role"), args, match.level
