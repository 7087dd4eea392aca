from datetime import date, timedelta
from decimal import Decimal

import factory

from jobs.models import JobPosting, PostingStatus, Workplace
from salaries.models import (
    Currency,
    ExchangeRate,
    Level,
    Period,
    PublishedRange,
    PurchasingPowerFactor,
    Role,
    SalaryObservation,
    Source,
    SourceKind,
)


class CurrencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Currency
        django_get_or_create = ["code"]

    code = "USD"
    name = factory.LazyAttribute(lambda o: f"{o.code} currency")


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    currency = factory.SubFactory(CurrencyFactory)
    units_per_usd = Decimal("1")
    as_of = date(2024, 12, 31)
    source = "test rates"


class PurchasingPowerFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchasingPowerFactor

    country = "US"
    year = 2023
    lcu_per_international_dollar = Decimal("1")
    currency = factory.SubFactory(CurrencyFactory)
    source = "test factors"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"source-{n}")
    kind = SourceKind.SURVEY
    title = factory.Sequence(lambda n: f"Survey {n}")
    year = 2024


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ["name"]

    name = "Machine Learning Engineer"


class SalaryObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalaryObservation

    source = factory.SubFactory(SourceFactory)
    source_key = factory.Sequence(lambda n: f"row-{n}")
    role = factory.SubFactory(RoleFactory)
    level = Level.MID
    employee_country = "US"
    year = 2024
    period = Period.YEAR
    currency = factory.SubFactory(CurrencyFactory)
    amount = Decimal("100000")
    yearly_amount = factory.LazyAttribute(lambda o: o.amount)
    usd_yearly = factory.LazyAttribute(lambda o: o.amount)


class PublishedRangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublishedRange

    source = factory.SubFactory(SourceFactory, kind=SourceKind.ARTICLE)
    role = factory.SubFactory(RoleFactory)
    country = "US"
    year = 2025
    period = Period.YEAR
    currency = factory.SubFactory(CurrencyFactory)
    low = Decimal("90000")
    high = Decimal("120000")
    label = "USA, entry-level base"


class JobPostingFactory(factory.django.DjangoModelFactory):
    """A published posting, open for 60 days (set status and dates to change that)."""

    class Meta:
        model = JobPosting

    status = PostingStatus.PUBLISHED
    title = factory.Sequence(lambda n: f"Machine learning engineer {n}")
    description = "Build and run **models** in production."
    company_name = "Himal Analytics"
    role = factory.SubFactory(RoleFactory)
    level = Level.SENIOR
    country = "US"
    employment_type = "full_time"
    workplace = Workplace.ON_SITE
    currency = factory.SubFactory(CurrencyFactory)
    pay_min = Decimal("150000")
    pay_max = Decimal("200000")
    pay_period = Period.YEAR
    apply_url = "https://example.com/apply"
    date_posted = factory.LazyFunction(date.today)
    valid_through = factory.LazyAttribute(lambda o: (o.date_posted or date.today()) + timedelta(60))


def survey_answers(amounts, role="machine-learning-engineer", country="US", **fields):
    """Survey answers of a role (by slug), one per amount, in US dollars a year, from one
    survey source: the figures pages compute from these."""
    role = Role.objects.get(slug=role)
    survey = SourceFactory(key="survey", title="A survey")
    for amount in amounts:
        value = Decimal(amount)
        SalaryObservationFactory(
            role=role, source=survey, employee_country=country, amount=value, usd_yearly=value,
            yearly_amount=value, **fields,
        )  # fmt: skip
