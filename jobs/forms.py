from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
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


def _interpolate(message, values):
    return message % values


# A translated message with its values filled in when it is shown, in the visitor's language.
interpolate = lazy(_interpolate, str)


def too_long(limit: int):
    """The message for a text over its limit; Django fills in %(show_value)d when it says it."""
    message = _(
        "At most %(limit)s characters, please: this has %(show_value)s. Shorten it, or link to "
        "the full text."
    )
    return interpolate(message, {"limit": f"{limit:,}", "show_value": "%(show_value)d"})


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, city):
        return f"{city.name}, {city.country.name}"


class JobPostingForm(PlainMessages, forms.ModelForm):
    """What an employer fills in. Every posting states a genuine pay range: both ends, in a
    currency we can convert, no wider than three-fold."""

    role = role_field(label=_("Role"), help_text=_("The closest role in our list: the range is "
                      "compared with what people in this role earn."))  # fmt: skip
    city = CityChoiceField(
        queryset=City.objects.nepal_first(),
        required=False,
        empty_label=_("No city, or not listed"),
        widget=PlainSelect,
        label=_("City (optional)"),
    )
    pay_min = AmountField(
        label=_("Minimum pay"), max_digits=14, decimal_places=2,
        error_messages={"required": _("Give the least you will pay: a range needs both ends.")},
    )  # fmt: skip
    pay_max = AmountField(
        label=_("Maximum pay"), max_digits=14, decimal_places=2,
        error_messages={"required": _("Give the most you will pay as well: ranges open at one "
                        "end (“from 50,000”, “up to 90,000”) are not accepted.")},
    )  # fmt: skip
    remote_countries = CountryNamesField(
        required=False,
        label=_("For a remote job: countries applicants may live in"),
        help_text=_(
            "Type a country and pick it from the list; add as many as you need. Leave "
            "empty for anywhere in the job's country."
        ),
    )
    valid_through = forms.DateField(
        label=_("Open until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=interpolate(_("At most %(days)s days from today."), {"days": MAX_DAYS_OPEN}),
    )
    confirm_period = forms.BooleanField(
        required=False, label=_("Yes, the amounts are right for the period I chose")
    )
    # A field people never see and bots fill in (see the form's CSS).
    website = forms.CharField(required=False, label=_("Leave this empty"))

    class Meta:
        model = JobPosting
        fields = [
            "title", "company_name", "confidential", "role", "level", "country", "city",
            "employment_type", "workplace", "remote_countries", "currency", "pay_min",
            "pay_max", "pay_period", "bonus", "equity", "benefits", "description", "apply_url",
            "apply_email", "valid_through",
        ]  # fmt: skip
        labels = {
            "title": _("Job title"),
            "company_name": _("Employer"),
            "country": _("Country the job is based in"),
            "workplace": _("Where the work is done"),
            "pay_period": _("Paid per"),
            "description": _("About the job"),
        }
        help_texts = {
            "description": interpolate(
                _(
                    "Markdown: **bold**, lists, links. HTML is removed. At most %(limit)s "
                    "characters."
                ),
                {"limit": f"{DESCRIPTION_MAX_LENGTH:,}"},
            ),
            "benefits": interpolate(
                _("Optional, at most %(limit)s characters."), {"limit": f"{BENEFITS_MAX_LENGTH:,}"}
            ),
            "currency": _("Follows the country; change it if you pay in another currency."),
            # xgettext:no-python-format
            "bonus": _("Optional, in words: “up to 10% of salary”."),
            "equity": _("Optional, in words: “stock options over four years”."),
        }
        widgets = {
            "country": PlainSelect,
            "currency": PlainSelect,
            "description": forms.Textarea(attrs={"rows": 10}),
            "benefits": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            name: {"max_length": too_long(limit)}
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
        self.fields["level"].error_messages["required"] = gettext("Choose the level of the job.")
        if not self.instance.pk:
            self.fields["valid_through"].initial = self.today + timedelta(DEFAULT_DAYS_OPEN)
        else:
            # The role is chosen by its slug, but a saved posting gives its number, which no
            # option has: the select showed "Choose a role" and every edit was refused. The
            # role itself is shown by its slug.
            self.initial["role"] = self.instance.role
        for name, prompt in [
            ("country", gettext("Choose a country")), ("level", gettext("Choose a level")),
            ("employment_type", gettext("Choose one")), ("workplace", gettext("Choose one")),
            ("pay_period", gettext("Choose a period")),
            ("currency", gettext("The country's currency")),
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
        (_("The job"), "", ["title", "company_name", "confidential", "role", "level",
                            "employment_type"]),
        (_("Where"), "", ["country", "city", "workplace", "remote_countries"]),
        (_("Pay (required)"), _("State the range you genuinely expect to pay, before tax. "
         "Applicants see it beside what people in the same role and country earn."),
         ["currency", "pay_period", "pay_min", "pay_max", "confirm_period", "bonus", "equity",
          "benefits"]),
        (_("About the job and how to apply"), "",
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
            raise forms.ValidationError(gettext("Choose a day after today."))
        if day > self.today + timedelta(MAX_DAYS_OPEN):
            raise forms.ValidationError(
                gettext(
                    "A posting stays open at most %(days)s days; choose a day before %(day)s. "
                    "You can post it again."
                )
                % {
                    "days": MAX_DAYS_OPEN,
                    "day": f"{self.today + timedelta(MAX_DAYS_OPEN + 1):%d %B %Y}",
                }
            )
        return day

    def clean(self):
        data = super().clean()
        country = data.get("country")
        if country and not data.get("currency"):
            follow_country_currency(self, data, country, gettext("Choose the currency you pay in."))
        if "company_name" in data and not data["company_name"].strip() and not data["confidential"]:
            self.add_error(
                "company_name", gettext("Name the employer, or tick “confidential employer”.")
            )
        if not data.get("apply_url") and not data.get("apply_email"):
            self.add_error(
                "apply_url",
                gettext("Give a web address or an e-mail address where people can apply."),
            )
        city = data.get("city")
        if city and country and city.country != country:
            self.add_error(
                "city",
                gettext("%(city)s is not in %(country)s.")
                % {"city": city.name, "country": dict(countries)[country]},
            )
        if data.get("workplace") != Workplace.REMOTE:
            data["remote_countries"] = []
        self.check_range(data)
        return data

    def check_range(self, data):
        low, high = data.get("pay_min"), data.get("pay_max")
        if low is None or high is None:
            return
        if low <= 0:
            self.add_error("pay_min", gettext("Give an amount above zero."))
            return
        if low > high:
            self.add_error("pay_max", gettext("The maximum is below the minimum."))
            return
        if high > low * MAX_RANGE_RATIO:
            self.add_error(
                "pay_max",
                gettext(
                    "The maximum is more than %(ratio)s times the minimum, which tells "
                    "applicants little. Give the range you genuinely expect to pay."
                )
                % {"ratio": MAX_RANGE_RATIO},
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
            self.add_error(
                "currency", gettext("We cannot convert this currency yet; choose another.")
            )
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
        if meant == Period.YEAR:
            advice = gettext("If these are yearly figures, choose “%(period)s”")
        else:
            advice = gettext("If these are monthly figures, choose “%(period)s”")
        advice %= {"period": Period(meant).label}
        # Said in the employer's own currency (at the latest rate), as they typed it.
        rate = table.rate(code, year)[1]

        def theirs(usd_yearly, period=Period.YEAR):
            return format_money(Decimal(usd_yearly) * rate / ANNUAL_MULTIPLIER[period], code)

        self.needs_confirmation = True
        self.add_error(
            "pay_period",
            gettext(
                "%(period)s, that is about %(yearly)s a year, far from what this role usually "
                "earns (about %(typical)s a year, %(typical_monthly)s a month). %(advice)s; if "
                "the figures are right, tick the box below to confirm."
            )
            % {
                "period": str(period_name).capitalize(),
                "yearly": theirs(middle),
                "typical": theirs(typical),
                "typical_monthly": theirs(typical, Period.MONTH),
                "advice": advice,
            },
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
