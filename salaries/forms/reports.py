"""The form a visitor reports their pay with, and the one that withdraws it."""

from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from portal.forms import PlainMessages
from portal.models import digest
from salaries import figures, statistics
from salaries.conversion import plausible_yearly
from salaries.fields import (
    AmountField,
    convertible_currencies,
    follow_country_currency,
    implausible_pay,
    pay_form_data,
)
from salaries.models import City, Role, SalaryReport, conversion_table
from salaries.money import local_currency
from salaries.widgets import PlainSelect


class SalaryReportForm(PlainMessages, forms.ModelForm):
    """What a visitor fills in to report their pay. Everything is checked here and by the
    database constraints; nothing is shown publicly until a moderator approves it."""

    role = forms.CharField(
        label=_("Job title"),
        max_length=120,
        widget=forms.TextInput(attrs={"list": "role-names", "autocomplete": "off"}),
        help_text=_(
            "Pick your title from the list as you type; if it is not there, type it and a "
            "moderator will file it under the closest role."
        ),
    )
    remote_ratio = forms.TypedChoiceField(
        choices=[
            ("", _("Prefer not to say")),
            (0, _("On-site")),
            (50, _("Hybrid")),
            (100, _("Fully remote")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Remote work"),
    )
    amount = AmountField(label=_("Gross pay"), max_digits=14, decimal_places=2)
    bonus = AmountField(label=_("Yearly bonus"), max_digits=14, decimal_places=2, required=False)
    equity = AmountField(label=_("Yearly equity"), max_digits=14, decimal_places=2, required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree: my report is checked by a moderator and, once approved, counts in figures "
            "for groups of people; it is never shown on its own. I can withdraw it with my "
            "private link."
        ),
        error_messages={
            "required": _("Please tick the box to agree, or your report cannot be sent.")
        },
    )
    # A field people never see and bots fill in (see the form's CSS).
    website = forms.CharField(required=False, label=_("Leave this empty"))

    class Meta:
        model = SalaryReport
        fields = [
            "country", "city", "level", "years_experience", "employment_type",
            "industry", "company", "company_size", "remote_ratio", "year", "period",
            "currency", "amount", "bonus", "equity",
        ]  # fmt: skip
        labels = {
            "country": _("Country you work in"),
            "years_experience": _("Years of experience"),
            "employment_type": _("Employment type"),
            "period": _("Paid per"),
            "company_size": _("Company size"),
            "year": _("Year the pay is for"),
        }
        help_texts = {
            "amount": _("Before tax, for the period you choose."),
            "company": _("Never published: it helps moderators check reports."),
            "currency": _("Follows the country; change it if you are paid in another currency."),
        }
        widgets = {
            "country": PlainSelect,
            "currency": PlainSelect,
            # Typed, with the cities we know offered as you type (Nepal's first).
            "city": forms.TextInput(attrs={"list": "city-names", "autocomplete": "off"}),
        }
        error_messages = {
            "years_experience": {
                key: _("Write your years of experience as a whole number from 0 to 60.")
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
            ("country", gettext("Choose your country")), ("level", gettext("Choose your level")),
            ("employment_type", gettext("Choose one")), ("industry", gettext("Any or not listed")),
            ("company_size", gettext("Prefer not to say")), ("period", gettext("Choose a period")),
            ("currency", gettext("The country's currency")),
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
            raise forms.ValidationError(
                gettext("Give a year between 2000 and %(year)s.") % {"year": date.today().year}
            )
        return year

    def clean(self):
        data = super().clean()
        country, period = data.get("country"), data.get("period")
        if country and not data.get("currency"):
            follow_country_currency(
                self, data, country, gettext("Choose the currency you are paid in.")
            )
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
                self.add_error(name, gettext("Give an amount above zero."))
                continue
            period = data["period"] if name == "amount" else "year"
            if not plausible_yearly(value, period):
                self.add_error(name, gettext("This amount is too large to be pay."))
                continue
            usd = table.convert(
                value, period, data["currency"].code, data["country"], data["year"]
            ).usd
            if usd is None:
                self.add_error(
                    "currency", gettext("We cannot convert this currency yet; choose another.")
                )
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
        label=_("Yes, delete my report for good"),
        error_messages={"required": _("Tick the box to confirm; nothing was deleted.")},
    )
