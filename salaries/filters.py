"""The salary search form: every filter a visitor can set, validated, as a shareable GET URL."""

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from portal.forms import PlainMessages
from salaries import figures
from salaries.figures import Criteria
from salaries.forms import offer_choices_with_data
from salaries.models import (
    City,
    Company,
    CompanySize,
    EmploymentType,
    Industry,
    Level,
    PayBasis,
    Role,
    SalaryObservation,
    Source,
)
from salaries.money import Display, display_unit
from salaries.widgets import PlainSelect

MAX_PAY = Decimal("1000000000")
# choice: (label, ordering). `pay` is annotated in the display unit by the list and export.
SORTS = {
    "-year": (_("Newest first"), ("-year", "-id")),
    "year": (_("Oldest first"), ("year", "id")),
    "-pay": (_("Highest pay first"), ("-pay", "-id")),
    "pay": (_("Lowest pay first"), ("pay", "id")),
}
PAGE_SIZES = [25, 50, 100]
REMOTE_CHOICES = [("0", _("On-site")), ("50", _("Hybrid")), ("100", _("Fully remote"))]
# The label of a range's upper bound: "Year from [2020] to [2024]".
TO = pgettext_lazy("upper end of a range", "to")


class SalaryFilterForm(PlainMessages, forms.Form):
    """Form-level rules: ranges must not be reversed; display and sorting choices."""

    display = forms.ChoiceField(choices=Display.choices, required=False, label=_("Show figures in"))
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in SORTS.items()], required=False
    )
    per_page = forms.TypedChoiceField(
        choices=[(n, n) for n in PAGE_SIZES], coerce=int, required=False, label=_("Per page")
    )

    DISPLAY_FIELDS = ("display", "sort", "per_page")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_choices_with_data(self, ["role", "country", "city", "industry", "company"])
        if not figures.experience_known():  # a filter no answer can meet is not offered
            del self.fields["experience_min"], self.fields["experience_max"]

    def filter_fields(self, fixed=()):
        """The bound filter fields, less those a landing page fixes in its URL and those with
        nothing to choose."""
        skip = {*self.DISPLAY_FIELDS, *fixed}
        return [
            field
            for field in self
            if field.name not in skip and len(getattr(field.field.widget, "choices", "xx")) > 1
        ]

    def display_fields(self):
        return [self[name] for name in self.DISPLAY_FIELDS]

    RANGES = [
        ("year_min", "year_max", _("The highest year is below the lowest.")),
        (
            "experience_min",
            "experience_max",
            _("The highest years of experience is below the lowest."),
        ),
        ("pay_min", "pay_max", _("The highest pay is below the lowest.")),
    ]

    def clean(self):
        data = super().clean()
        for low, high, message in self.RANGES:
            bounds = data.get(low), data.get(high)
            if None not in bounds and bounds[0] > bounds[1]:
                self.add_error(high, str(message))
        return data


class SalaryFilter(django_filters.FilterSet):
    # Multiple-choice filters here compare a column of the table itself, so they cannot
    # duplicate rows: distinct=False spares PostgreSQL a DISTINCT over every matching row.

    role = django_filters.ModelChoiceFilter(
        label=_("Role"),
        queryset=Role.objects.listed(),
        to_field_name="slug",
        empty_label=_("Any role"),
        widget=PlainSelect,
    )
    country = django_filters.ChoiceFilter(
        label=_("Employee country"),
        field_name="employee_country",
        choices=countries,
        empty_label=_("Any country"),
        widget=PlainSelect,
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City"), queryset=City.objects.all(), empty_label=_("Any city"), widget=PlainSelect
    )
    level = django_filters.MultipleChoiceFilter(
        label=_("Level"), choices=Level.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    experience_min = django_filters.NumberFilter(
        field_name="years_experience", lookup_expr="gte", min_value=0, max_value=60,
        label=_("Years of experience from"),
    )  # fmt: skip
    experience_max = django_filters.NumberFilter(
        field_name="years_experience", lookup_expr="lte", min_value=0, max_value=60, label=TO
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.all(),
        to_field_name="slug",
        empty_label=_("Any industry"),
        widget=PlainSelect,
    )
    company = django_filters.ModelChoiceFilter(
        label=_("Company"),
        queryset=Company.objects.all(),
        to_field_name="slug",
        empty_label=_("Any company"),
        widget=PlainSelect,
    )
    company_size = django_filters.MultipleChoiceFilter(
        label=_("Company size"),
        choices=CompanySize.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    employment_type = django_filters.MultipleChoiceFilter(
        label=_("Employment type"),
        choices=EmploymentType.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    remote = django_filters.ChoiceFilter(
        label=_("Remote ratio"),
        field_name="remote_ratio",
        choices=REMOTE_CHOICES,
        empty_label=_("Any"),
    )
    year_min = django_filters.NumberFilter(
        field_name="year", lookup_expr="gte", min_value=1990, max_value=2100, label=_("Year from")
    )
    year_max = django_filters.NumberFilter(
        field_name="year", lookup_expr="lte", min_value=1990, max_value=2100, label=TO
    )
    pay_basis = django_filters.ChoiceFilter(
        choices=PayBasis.choices,
        empty_label=_("Any"),
        label=_("Pay basis"),
        help_text=_("Applies to published ranges; survey answers are total gross pay."),
    )
    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.all(),
        to_field_name="key",
        empty_label=_("Any source"),
        widget=PlainSelect,
    )
    pay_min = django_filters.NumberFilter(
        min_value=0, max_value=MAX_PAY, label=_("Yearly pay from")
    )
    pay_max = django_filters.NumberFilter(min_value=0, max_value=MAX_PAY, label=TO)

    class Meta:
        model = SalaryObservation
        form = SalaryFilterForm
        fields = []

    def filter_queryset(self, queryset):
        # The filters here validate and describe the form; the rows come from the criteria,
        # the one place that filters observations for figures.
        return self.criteria().rows

    @property
    def published_range_criteria(self) -> dict:
        data = self.form.cleaned_data
        return {
            "role": data.get("role"),
            "country": self.country_code,
            "city": data.get("city"),
            "levels": data.get("level") or [],
            "industry": data.get("industry"),
            "year_min": data.get("year_min"),
            "year_max": data.get("year_max"),
            "years": (data.get("experience_min"), data.get("experience_max")),
            "pay_basis": data.get("pay_basis") or "",
            "employment_types": data.get("employment_type") or [],
        }

    # What the visitor chose, with defaults, once the form is valid.

    @property
    def country_code(self) -> str:
        return self.form.cleaned_data.get("country") or ""

    @property
    def unit(self):
        if not hasattr(self, "_unit"):
            choice = self.form.cleaned_data.get("display") or (
                Display.LOCAL if self.country_code else Display.USD
            )
            self._unit = display_unit(choice, self.country_code)
        return self._unit

    def criteria(self) -> Criteria:
        """What the visitor chose, as the figures layer takes it (pay_basis narrows published
        ranges only: no figure depends on it)."""
        data = self.form.cleaned_data

        def chosen(name):
            return tuple(data.get(name) or ())

        return Criteria(
            self.unit, role=data.get("role"),
            countries=(self.country_code,) if self.country_code else (),
            levels=chosen("level"), city=data.get("city"), industry=data.get("industry"),
            company=data.get("company"), source=data.get("source"),
            company_sizes=chosen("company_size"), employment_types=chosen("employment_type"),
            remote=data.get("remote") or "",
            experience=(data.get("experience_min"), data.get("experience_max")),
            years=(data.get("year_min"), data.get("year_max")),
            pay=(data.get("pay_min"), data.get("pay_max")),
        )  # fmt: skip

    @property
    def ordering(self):
        return SORTS[self.form.cleaned_data.get("sort") or "-year"][1]

    @property
    def per_page(self) -> int:
        return self.form.cleaned_data.get("per_page") or PAGE_SIZES[0]
