"""Reference data: the choices that describe roles and pay, and the tables facts point at
(currencies, roles, industries, cities, companies, exchange rates, PPP factors)."""

from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from salaries.conversion import ConversionTable


class Level(models.TextChoices):
    ENTRY = "entry", _("Entry")
    MID = "mid", _("Mid")
    SENIOR = "senior", _("Senior")
    LEAD = "lead", _("Lead / principal")
    EXECUTIVE = "executive", _("Executive")

    @classmethod
    def label_for(cls, value: str) -> str:
        return cls(value).label if value else _("Not stated")


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    CONTRACT = "contract", _("Contract")
    FREELANCE = "freelance", _("Freelance")


class CompanySize(models.TextChoices):
    SMALL = "S", _("Small (under 50)")
    MEDIUM = "M", _("Medium (50 to 250)")
    LARGE = "L", _("Large (over 250)")


class PayBasis(models.TextChoices):
    BASE = "base", _("Base salary")
    TOTAL = "total", _("Total compensation")


class Period(models.TextChoices):
    HOUR = "hour", _("per hour")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class SourceKind(models.TextChoices):
    ARTICLE = "article", _("Published article")
    SURVEY = "survey", _("Survey dataset")
    USER_REPORT = "user_report", _("User report")


# Reference data ----------------------------------------------------------------------------


class Currency(models.Model):
    code = models.CharField(max_length=3, primary_key=True, help_text="ISO 4217 code")
    name = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "currencies"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{3}$"), name="currency_code_is_iso_4217"
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.name})"


class SluggedModel(models.Model):
    """A named row with a URL slug made from its name, unique among its kind.

    Names can be anything an import or a moderator types ("数据科学家", "ML/AI" beside
    "ML AI"), so the slug falls back to the model's name and gets a number when taken.
    """

    slug_scope: tuple[str, ...] = ()  # fields the slug is unique within (City: country)
    reserved_slugs: tuple[str, ...] = ()  # taken by URLs beside this model's pages

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.free_slug()
        super().save(*args, **kwargs)

    def free_slug(self) -> str:
        max_length = self._meta.get_field("slug").max_length
        base = slugify(self.name)[: max_length - 8].strip("-") or self._meta.model_name
        scope = {field: getattr(self, field) for field in self.slug_scope}
        taken = set(
            type(self)
            .objects.filter(slug__startswith=base, **scope)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        ) | set(self.reserved_slugs)
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug


class Industry(SluggedModel):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=110, unique=True)

    class Meta:
        verbose_name_plural = "industries"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="industry_slug_not_empty")
        ]

    def __str__(self):
        return self.name


class CityQuerySet(models.QuerySet):
    def nepal_first(self):
        """Nepal's cities first (the portal's first country), then by country and name."""
        return self.alias(
            elsewhere=models.Case(models.When(country="NP", then=0), default=1)
        ).order_by("elsewhere", "country", "name")


class City(SluggedModel):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=110)
    country = CountryField()

    objects = CityQuerySet.as_manager()

    slug_scope = ("country",)

    class Meta:
        verbose_name_plural = "cities"
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "slug"], name="city_unique_per_country"),
            models.CheckConstraint(condition=~Q(slug=""), name="city_slug_not_empty"),
        ]

    def __str__(self):
        return f"{self.name}, {self.country.name}"


class CompanyQuerySet(models.QuerySet):
    def named(self, name: str):
        """The company called `name` or known by it as an alias, ignoring case; or None."""
        return self.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name)).distinct().first()


class Company(SluggedModel):
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=160, unique=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(slug=""), name="company_slug_not_empty")]

    def __str__(self):
        return self.name


class CompanyAlias(models.Model):
    name = models.CharField(max_length=150)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "company aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), name="company_alias_unique_name"
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.company}"


class ExchangeRateQuerySet(models.QuerySet):
    def latest_for(self, currency: str | None):
        return self.filter(currency=currency).order_by("-as_of").first() if currency else None


class ExchangeRate(models.Model):
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="rates")
    units_per_usd = models.DecimalField(max_digits=18, decimal_places=6)
    as_of = models.DateField(help_text="The date (or end of the averaging period) of the rate")
    source = models.CharField(max_length=300, help_text="Shown to visitors: who publishes it")
    note = models.CharField(
        max_length=300, blank=True, help_text="For editors only: how it was obtained, checks due"
    )

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ["currency", "-as_of"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(fields=["currency", "as_of"], name="exchange_rate_unique_date"),
            models.CheckConstraint(condition=Q(units_per_usd__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self):
        return f"{self.currency_id} {self.units_per_usd} per USD ({self.as_of})"

    def fed_facts(self) -> Q:
        """Facts whose stored figures may use this rate: paid in its currency, or made PPP
        through it (pay in dollars in a country whose factor is quoted in this currency)."""
        return Q(currency=self.currency_id) | Q(ppp_factor__currency=self.currency_id)


class PurchasingPowerFactorQuerySet(models.QuerySet):
    def latest_for(self, country: str):
        return self.filter(country=country).order_by("-year").first()


class PurchasingPowerFactor(models.Model):
    country = CountryField()
    year = models.PositiveSmallIntegerField()
    lcu_per_international_dollar = models.DecimalField(
        "local currency per international $", max_digits=18, decimal_places=6
    )
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=300, help_text="Shown to visitors: who publishes it")
    note = models.CharField(
        max_length=300, blank=True, help_text="For editors only: how it was obtained, checks due"
    )

    objects = PurchasingPowerFactorQuerySet.as_manager()

    class Meta:
        verbose_name = "purchasing-power factor"
        ordering = ["country", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="ppp_factor_unique_year"),
            models.CheckConstraint(
                condition=Q(lcu_per_international_dollar__gt=0), name="ppp_factor_positive"
            ),
        ]

    def __str__(self):
        return f"{self.country.code} {self.year}: {self.lcu_per_international_dollar}"

    def fed_facts(self) -> Q:
        """Facts whose PPP figures may use this factor: those of its country."""
        return Q(ppp_factor__country=self.country.code) | Q(ppp_factor__isnull=True)


def conversion_table() -> ConversionTable:
    """Today's exchange rates and PPP factors, loaded once to normalize many facts."""
    # Ordered by date so that, within a year, the latest rate wins.
    rates = ExchangeRate.objects.order_by("as_of").values_list(
        "id", "currency_id", "as_of__year", "units_per_usd"
    )
    factors = PurchasingPowerFactor.objects.values_list(
        "id", "country", "year", "lcu_per_international_dollar", "currency_id"
    )
    return ConversionTable(rates, factors)
