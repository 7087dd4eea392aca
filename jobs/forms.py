from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django_countries import countries

from jobs.models import (
    BENEFITS_MAX_LENGTH,
    DEFAULT_DAYS_OPEN,
    DESCRIPTION_MAX_LENGTH,
    MAX_DAYS_OPEN,
    MAX_RANGE_RATIO,
    JobPosting,
    Workplace,
)
from portal.forms import PlainMessages
from salaries import figures
from salaries.conversion import ANNUAL_MULTIPLIER
from salaries.fields import (
    AmountField,
    CountryNamesField,
    convertible_currencies,
    follow_country_currency,
    implausible_pay,
    likely_period,
    role_field,
)
from salaries.models import City, Period, conversion_table
from salaries.money import format_money
from salaries.widgets import PlainSelect


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, city):
        return f"{city.name}, {city.country.name}"


class JobPostingForm(PlainMessages, forms.ModelForm):
    """What an employer fills in. Every posting states a genuine pay range: both ends, in a
    currency we can convert, no wider than three-fold."""

    role = role_field(label="Role", help_text="The closest role in our list: the range is "
                      "compared with what people in this role earn.")  # fmt: skip
    city = CityChoiceField(
        queryset=City.objects.nepal_first(),
        required=False,
        empty_label="No city, or not listed",
        widget=PlainSelect,
        label="City (optional)",
    )
    pay_min = AmountField(
        label="Minimum pay", max_digits=14, decimal_places=2,
        error_messages={"required": "Give the least you will pay: a range needs both ends."},
    )  # fmt: skip
    pay_max = AmountField(
        label="Maximum pay", max_digits=14, decimal_places=2,
        error_messages={"required": "Give the most you will pay as well: ranges open at one "
                        "end (“from 50,000”, “up to 90,000”) are not accepted."},
    )  # fmt: skip
    remote_countries = CountryNamesField(
        required=False,
        label="For a remote job: countries applicants may live in",
        help_text="Type a country and pick it from the list; add as many as you need. Leave "
        "empty for anywhere in the job's country.",
    )
    valid_through = forms.DateField(
        label="Open until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"At most {MAX_DAYS_OPEN} days from today.",
    )
    confirm_period = forms.BooleanField(
        required=False, label="Yes, the amounts are right for the period I chose"
    )
    # A field people never see and bots fill in (see the form's CSS).
    website = forms.CharField(required=False, label="Leave this empty")

    class Meta:
        model = JobPosting
        fields = [
            "title", "company_name", "confidential", "role", "level", "country", "city",
            "employment_type", "workplace", "remote_countries", "currency", "pay_min",
            "pay_max", "pay_period", "bonus", "equity", "benefits", "description", "apply_url",
            "apply_email", "valid_through",
        ]  # fmt: skip
        labels = {
            "title": "Job title",
            "company_name": "Employer",
            "country": "Country the job is based in",
            "workplace": "Where the work is done",
            "pay_period": "Paid per",
            "description": "About the job",
        }
        help_texts = {
            "description": "Markdown: **bold**, lists, links. HTML is removed. At most "
            f"{DESCRIPTION_MAX_LENGTH:,} characters.",
            "benefits": f"Optional, at most {BENEFITS_MAX_LENGTH:,} characters.",
            "currency": "Follows the country; change it if you pay in another currency.",
            "bonus": "Optional, in words: “up to 10% of salary”.",
            "equity": "Optional, in words: “stock options over four years”.",
        }
        widgets = {
            "country": PlainSelect,
            "currency": PlainSelect,
            "description": forms.Textarea(attrs={"rows": 10}),
            "benefits": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            name: {
                "max_length": f"At most {limit:,} characters, please: this has %(show_value)d. "
                "Shorten it, or link to the full text."
            }
            for name, limit in [
                ("description", DESCRIPTION_MAX_LENGTH),
                ("benefits", BENEFITS_MAX_LENGTH),
            ]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].queryset = convertible_currencies()
        self.fields["currency"].required = False
        # Only an imported feed may leave the level unstated; an employer states it.
        self.fields["level"].required = True
        self.fields["level"].error_messages["required"] = "Choose the level of the job."
        if not self.instance.pk:
            self.fields["valid_through"].initial = self.today + timedelta(DEFAULT_DAYS_OPEN)
        else:
            # The role is chosen by its slug, but a saved posting gives its number, which no
            # option has: the select showed "Choose a role" and every edit was refused. The
            # role itself is shown by its slug.
            self.initial["role"] = self.instance.role
        for name, prompt in [
            ("country", "Choose a country"), ("level", "Choose a level"),
            ("employment_type", "Choose one"), ("workplace", "Choose one"),
            ("pay_period", "Choose a period"), ("currency", "The country's currency"),
        ]:  # fmt: skip
            field = self.fields[name]
            field.widget.choices = [("", prompt), *list(field.widget.choices)[1:]]
        # No maxlength on the text areas: a browser cuts a longer paste without a word (and
        # counts a line break as one character where the server gets two); the server's
        # message says how long it is and keeps all of it.
        for name in ("description", "benefits"):
            self.fields[name].widget.attrs.pop("maxlength", None)
        # The confirmation box shows only once a figure looks like it is for another period.
        self.needs_confirmation = False

    SECTIONS = [
        ("The job", "", ["title", "company_name", "confidential", "role", "level",
                         "employment_type"]),
        ("Where", "", ["country", "city", "workplace", "remote_countries"]),
        ("Pay (required)", "State the range you genuinely expect to pay, before tax. Applicants "
         "see it beside what people in the same role and country earn.",
         ["currency", "pay_period", "pay_min", "pay_max", "confirm_period", "bonus", "equity",
          "benefits"]),
        ("About the job and how to apply", "",
         ["description", "apply_url", "apply_email", "valid_through"]),
    ]  # fmt: skip

    def sections(self):
        """(legend, note, bound fields) for the form's page; the confirmation box only once a
        figure looks like it is for another period."""
        confirming = self.needs_confirmation or self["confirm_period"].value()
        return [
            (legend, note, [self[n] for n in names if n != "confirm_period" or confirming])
            for legend, note, names in self.SECTIONS
        ]

    @property
    def today(self):
        return timezone.localdate()

    def clean_valid_through(self):
        day = self.cleaned_data["valid_through"]
        if day <= self.today:
            raise forms.ValidationError("Choose a day after today.")
        if day > self.today + timedelta(MAX_DAYS_OPEN):
            raise forms.ValidationError(
                f"A posting stays open at most {MAX_DAYS_OPEN} days; choose a day before "
                f"{self.today + timedelta(MAX_DAYS_OPEN + 1):%d %B %Y}. You can post it again."
            )
        return day

    def clean(self):
        data = super().clean()
        country = data.get("country")
        if country and not data.get("currency"):
            follow_country_currency(self, data, country, "Choose the currency you pay in.")
        if "company_name" in data and not data["company_name"].strip() and not data["confidential"]:
            self.add_error("company_name", "Name the employer, or tick “confidential employer”.")
        if not data.get("apply_url") and not data.get("apply_email"):
            self.add_error(
                "apply_url", "Give a web address or an e-mail address where people can apply."
            )
        city = data.get("city")
        if city and country and city.country != country:
            self.add_error("city", f"{city.name} is not in {dict(countries)[country]}.")
        if data.get("workplace") != Workplace.REMOTE:
            data["remote_countries"] = []
        self.check_range(data)
        return data

    def check_range(self, data):
        low, high = data.get("pay_min"), data.get("pay_max")
        if low is None or high is None:
            return
        if low <= 0:
            self.add_error("pay_min", "Give an amount above zero.")
            return
        if low > high:
            self.add_error("pay_max", "The maximum is below the minimum.")
            return
        if high > low * MAX_RANGE_RATIO:
            self.add_error(
                "pay_max",
                f"The maximum is more than {MAX_RANGE_RATIO} times the minimum, which tells "
                "applicants little. Give the range you genuinely expect to pay.",
            )
            return
        if all(data.get(name) for name in ("country", "currency", "pay_period")):
            self.check_plausible(data, low, high)

    def check_plausible(self, data, low, high):
        """In dollars a year: within the bounds of any salary, and, against what the role
        usually earns, not a monthly figure typed as yearly (or the reverse) unless confirmed."""
        table, period = conversion_table(), data["pay_period"]
        year, code = self.today.year, data["currency"].code
        usd = [table.convert(v, period, code, data["country"], year).usd for v in (low, high)]
        if None in usd:
            self.add_error("currency", "We cannot convert this currency yet; choose another.")
            return
        for name, value in zip(("pay_min", "pay_max"), usd, strict=True):
            if problem := implausible_pay(value):
                self.add_error(name, problem)
                return
        typical = data.get("role") and figures.typical_yearly_usd(
            data["role"], data["country"], data.get("employment_type") or ""
        )
        if not typical or data.get("confirm_period"):
            return
        middle = float(sum(usd) / 2)
        period_name = Period(period).label
        meant = likely_period(middle, period, typical)
        if not meant:
            return
        kind = "yearly" if meant == Period.YEAR else "monthly"
        advice = f"If these are {kind} figures, choose “{Period(meant).label}”"
        # Said in the employer's own currency (at the latest rate), as they typed it.
        rate = table.rate(code, year)[1]

        def theirs(usd_yearly, period=Period.YEAR):
            return format_money(Decimal(usd_yearly) * rate / ANNUAL_MULTIPLIER[period], code)

        self.needs_confirmation = True
        self.add_error(
            "pay_period",
            f"{period_name.capitalize()}, that is about {theirs(middle)} a year, far from what "
            f"this role usually earns (about {theirs(typical)} a year, "
            f"{theirs(typical, Period.MONTH)} a month). {advice}; if the figures are right, "
            "tick the box below to confirm.",
        )

    def save(self, commit=True):
        posting = super().save(commit=False)
        posting.currency = self.cleaned_data["currency"]
        if commit:
            posting.save()
            self.save_m2m()
        return posting


def minimum_pay_usd(amount: Decimal, currency: str, period: str) -> Decimal | None:
    """A pay floor a visitor typed, in dollars a year, to compare with postings' ranges."""
    year = timezone.localdate().year
    return conversion_table().convert(amount, period, currency, None, year).usd
