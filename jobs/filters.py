"""The job board's filters, as a shareable GET URL."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from jobs.forms import minimum_pay_usd
from jobs.models import JobPosting, Workplace
from portal.forms import PlainMessages
from salaries.fields import AmountField, convertible_currencies
from salaries.models import EmploymentType, Level, Period, Role
from salaries.widgets import PlainSelect

POSTED_WITHIN = [
    ("1", _("Today or yesterday")), ("7", _("Last 7 days")), ("30", _("Last 30 days"))
]  # fmt: skip
PAGE_SIZE = 20


class AmountFilter(django_filters.NumberFilter):
    field_class = AmountField


class PostingFilterForm(PlainMessages, forms.Form):
    pass


class PostingFilter(django_filters.FilterSet):
    role = django_filters.ModelChoiceFilter(
        label=_("Role"),
        queryset=Role.objects.listed(), to_field_name="slug", empty_label=_("Any role"),
        widget=PlainSelect,
    )  # fmt: skip
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=countries, empty_label=_("Any country"), widget=PlainSelect
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("Any level")
    )
    workplace = django_filters.ChoiceFilter(
        label=_("Workplace"), choices=Workplace.choices, empty_label=_("Anywhere")
    )
    employment_type = django_filters.ChoiceFilter(
        choices=EmploymentType.choices, empty_label=_("Any type"), label=_("Employment type")
    )
    min_pay = AmountFilter(
        label=_("Paying at least"), method="filter_min_pay", min_value=0, max_digits=14,
        decimal_places=2,
    )  # fmt: skip
    currency = django_filters.ModelChoiceFilter(
        queryset=convertible_currencies(), to_field_name="code", empty_label=_("US dollars"),
        method="read_with_min_pay", widget=PlainSelect, label=_("In"),
    )  # fmt: skip
    period = django_filters.ChoiceFilter(
        choices=Period.choices,
        empty_label=_("per year"),
        method="read_with_min_pay",
        label=_("Per"),
    )
    posted_within = django_filters.ChoiceFilter(
        choices=POSTED_WITHIN, empty_label=_("Any time"), method="filter_posted_within",
        label=_("Posted"),
    )  # fmt: skip

    class Meta:
        model = JobPosting
        fields = ["role", "country", "level", "workplace", "employment_type"]
        form = PostingFilterForm

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.offer_choices_with_postings()

    def offer_choices_with_postings(self):
        """Roles and countries with open postings, each with how many: a choice that returns
        nothing is a dead end. A value from a shared link still shows what it chose."""
        public = JobPosting.objects.public()
        names = dict(countries)
        for name, key, label in [
            ("role", "role__slug", "role__name"), ("country", "country", "country"),
        ]:  # fmt: skip
            counts = public.values_list(key, label).annotate(n=Count("id")).order_by(label)
            field = self.form.fields[name]
            options = [(k, f"{names.get(text, text)} ({n})") for k, text, n in counts]
            chosen = self.form.data.get(name)
            if chosen and chosen not in {k for k, _ in options}:
                options.insert(0, (chosen, chosen))
            field.widget.choices = [("", field.widget.choices[0][1]), *options]

    def read_with_min_pay(self, queryset, name, value):
        return queryset  # the currency and period say how to read the minimum pay

    def filter_min_pay(self, queryset, name, value):
        data = self.form.cleaned_data
        currency = data["currency"].code if data.get("currency") else "USD"
        floor = minimum_pay_usd(value, currency, data.get("period") or Period.YEAR)
        # A posting whose range reaches the floor: it may pay at least that much.
        return queryset.filter(usd_yearly_max__gte=floor) if floor is not None else queryset

    def filter_posted_within(self, queryset, name, value):
        return queryset.filter(date_posted__gte=timezone.localdate() - timedelta(int(value)))
