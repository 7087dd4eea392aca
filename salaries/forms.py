import contextlib
from datetime import date
from decimal import Decimal

from django import forms
from django_countries import countries

from portal.forms import PlainMessages
from portal.models import digest
from salaries import figures, names, statistics
from salaries.conversion import plausible_yearly
from salaries.fields import (
    MONTHLY_QUOTING,
    AmountField,
    convertible_currencies,
    currency_field,
    follow_country_currency,
    implausible_pay,
    likely_period,
    pay_form_data,
    quoting_period,
    role_field,
)
from salaries.models import City, Level, Period, Role, SalaryReport, conversion_table
from salaries.money import format_money, local_currency
from salaries.widgets import PlainSelect, RepeatedSelect

MAX_COMPARED = 6
A_PERIOD = {Period.HOUR: "an hour", Period.MONTH: "a month", Period.YEAR: "a year"}


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
        widget=RepeatedSelect(slots=MAX_COMPARED, item="Country"),
        help_text=f"Two to {MAX_COMPARED} countries.",
    )
    levels = forms.MultipleChoiceField(
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Optional: split each country by level.",
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
            raise forms.ValidationError(f"Choose between 2 and {MAX_COMPARED} countries.")
        return codes


class OfferForm(PlainMessages, forms.Form):
    """An offer to check against the market: a GET form, so a result is a link to share."""

    role = role_field(label="Role")
    country = forms.ChoiceField(
        choices=[("", "Choose a country"), *countries], widget=PlainSelect, label="Country"
    )
    level = forms.ChoiceField(
        choices=[("", "Any level"), *Level.choices], required=False, label="Level (optional)"
    )
    amount = AmountField(
        label="Offered pay, before tax", min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    currency = currency_field()
    period = forms.ChoiceField(
        choices=Period.choices, initial=Period.YEAR, required=False, label="Per"
    )
    # Shown only once the amount looks like it is for another period (see check_period).
    confirm_period = forms.BooleanField(required=False, label="Yes, the amount is right")

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
            follow_country_currency(self, data, country, "Choose the currency the offer is in.")
        if amount and not plausible_yearly(amount, period):
            self.add_error("amount", "This amount is too large to be a salary.")
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
        chosen = Period(data["period"]).label  # "per year"
        self.fields["confirm_period"].label = self["confirm_period"].label = f"Yes, {chosen}"
        code, typed = data["currency"].code, self.as_typed()
        if code != "USD" or data["period"] != Period.YEAR:
            yearly = "" if data["period"] == Period.YEAR else " a year"
            typed += f" (about {format_money(usd, 'USD')}{yearly})"
        far = "below" if usd < typical else "above"
        self.add_error(
            "period",
            f"That is {typed}, far {far} what this role usually earns. Did you mean "
            f"{Period(meant).label}? Choose it, or tick “Yes, {chosen}” below.",
        )

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

    role = forms.CharField(max_length=120, label="Role")
    country = forms.CharField(max_length=80, required=False, label="Country or city (optional)")

    def clean_role(self) -> names.NameMatch:
        text = self.cleaned_data["role"].strip()
        match = names.match_names(text)
        if match.role is None:
            raise forms.ValidationError(
                f"We have no role called “{text}”. Type a job title such as Data Scientist or "
                f"ML engineer, or pick one from the list."
            )
        return match

    def clean_country(self) -> str:
        text = self.cleaned_data["country"].strip()
        if not text:
            return ""
        code, _, rest = names.find_country(names.words_of(text))
        if not code or rest:
            raise forms.ValidationError(
                f"We do not know a country or city called “{text}”. Type a country such as "
                f"Nepal or India, or a city such as Kathmandu."
            )
        return code

    def destination(self) -> tuple[str, list[str], str]:
        """The landing page's URL name, its arguments, and the level to show."""
        match, country = self.cleaned_data["role"], self.cleaned_data["country"]
        country = country or match.country
        args = [match.role.key, *([country.lower()] if country else [])]
        return ("salaries:role_country" if country else "salaries:role"), args, match.level


class SalaryReportForm(PlainMessages, forms.ModelForm):
    """What a visitor fills in to report their pay. Everything is checked here and by the
    database constraints; nothing is shown publicly until a moderator approves it."""

    role = forms.CharField(
        label="Job title",
        max_length=120,
        widget=forms.TextInput(attrs={"list": "role-names", "autocomplete": "off"}),
        help_text="Pick your title from the list as you type; if it is not there, type it and "
        "a moderator will file it under the closest role.",
    )
    remote_ratio = forms.TypedChoiceField(
        choices=[("", "Prefer not to say"), (0, "On-site"), (50, "Hybrid"), (100, "Fully remote")],
        coerce=int,
        empty_value=None,
        required=False,
        label="Remote work",
    )
    amount = AmountField(label="Gross pay", max_digits=14, decimal_places=2)
    bonus = AmountField(label="Yearly bonus", max_digits=14, decimal_places=2, required=False)
    equity = AmountField(label="Yearly equity", max_digits=14, decimal_places=2, required=False)
    consent = forms.BooleanField(
        label="I agree: my report is checked by a moderator and, once approved, counts in "
        "figures for groups of people; it is never shown on its own. I can withdraw it with "
        "my private link.",
        error_messages={"required": "Please tick the box to agree, or your report cannot be sent."},
    )
    # A field people never see and bots fill in (see the form's CSS).
    website = forms.CharField(required=False, label="Leave this empty")

    class Meta:
        model = SalaryReport
        fields = [
            "country", "city", "level", "years_experience", "employment_type",
            "industry", "company", "company_size", "remote_ratio", "year", "period",
            "currency", "amount", "bonus", "equity",
        ]  # fmt: skip
        labels = {
            "country": "Country you work in",
            "years_experience": "Years of experience",
            "employment_type": "Employment type",
            "period": "Paid per",
            "company_size": "Company size",
            "year": "Year the pay is for",
        }
        help_texts = {
            "amount": "Before tax, for the period you choose.",
            "company": "Never published: it helps moderators check reports.",
            "currency": "Follows the country; change it if you are paid in another currency.",
        }
        widgets = {
            "country": PlainSelect,
            "currency": PlainSelect,
            # Typed, with the cities we know offered as you type (Nepal's first).
            "city": forms.TextInput(attrs={"list": "city-names", "autocomplete": "off"}),
        }
        error_messages = {
            "years_experience": {
                key: "Write your years of experience as a whole number from 0 to 60."
                for key in ("invalid", "max_value", "min_value")
            },
        }

    # The order the form asks in: who, where, what kind of work, then the pay.
    field_order = ["role", *Meta.fields[:12], "currency", "amount", "period", "bonus", "equity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only currencies we can convert, so the report can be compared once approved.
        self.fields["currency"].queryset = convertible_currencies()
        self.fields["currency"].required = False
        self.fields["year"].initial = date.today().year
        for name, prompt in [
            ("country", "Choose your country"), ("level", "Choose your level"),
            ("employment_type", "Choose one"), ("industry", "Any or not listed"),
            ("company_size", "Prefer not to say"), ("period", "Choose a period"),
            ("currency", "The country's currency"),
        ]:  # fmt: skip
            field = self.fields[name]
            field.widget.choices = [("", prompt), *list(field.widget.choices)[1:]]

    @classmethod
    def from_link(cls, query) -> "SalaryReportForm":
        """A blank form, with role and country (and so currency) from a landing page's link."""
        initial = {}
        role = Role.objects.named(query.get("role", "")[:120])
        if role:
            initial["role"] = role.name
        country = query.get("country", "").upper()
        if country in countries:
            initial["country"] = country
            initial["currency"] = local_currency(country)
        return cls(initial=initial)

    def clean_role(self):
        title = " ".join(self.cleaned_data["role"].split())
        self.role = Role.objects.named(title)
        return title

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= date.today().year:
            raise forms.ValidationError(f"Give a year between 2000 and {date.today().year}.")
        return year

    def clean(self):
        data = super().clean()
        country, period = data.get("country"), data.get("period")
        if country and not data.get("currency"):
            follow_country_currency(self, data, country, "Choose the currency you are paid in.")
        if country and period and data.get("currency") and data.get("year"):
            self.check_plausible(data)
        return data

    def check_plausible(self, data):
        """Refuse pay no salary can be, in US dollars a year after conversion, whatever the
        currency and period, and however few people we can compare it with."""
        table = conversion_table()
        for name in ("amount", "bonus", "equity"):
            value = data.get(name)
            if value is None:
                continue
            if value <= 0:
                self.add_error(name, "Give an amount above zero.")
                continue
            period = data["period"] if name == "amount" else "year"
            if not plausible_yearly(value, period):
                self.add_error(name, "This amount is too large to be pay.")
                continue
            usd = table.convert(
                value, period, data["currency"].code, data["country"], data["year"]
            ).usd
            if usd is None:
                self.add_error("currency", "We cannot convert this currency yet; choose another.")
            elif problem := implausible_pay(usd, check_floor=name == "amount"):
                self.add_error(name, problem)

    def page_context(self) -> dict:
        """The form's page: the form, and the lists its type-ahead and live preview read."""
        return {
            "form": self,
            "roles": figures.filter_choices()["role"],
            "cities": City.objects.nepal_first(),
            **pay_form_data(),
        }

    def fingerprint(self, sender: str) -> str:
        """The same figures from the same sender give the same value (and nothing else)."""
        data = self.cleaned_data
        amount = format(data["amount"].normalize(), "f")  # 100000 and 100000.00 are one amount
        parts = [sender, data["role"].lower(), data["country"], data["level"], data["year"],
                 data["period"], data["currency"].code, amount]  # fmt: skip
        return digest("|".join(map(str, parts)))

    def save(self, commit=True):
        report = super().save(commit=False)
        report.role, report.role_title = self.role, "" if self.role else self.cleaned_data["role"]
        report.currency = self.cleaned_data["currency"]
        report.outlier_note = statistics.outlier_note(report)
        if commit:
            report.save()
        return report


class WithdrawForm(PlainMessages, forms.Form):
    confirm = forms.BooleanField(
        label="Yes, delete my report for good",
        error_messages={"required": "Tick the box to confirm; nothing was deleted."},
    )
