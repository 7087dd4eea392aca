"""Salary data: reference tables, sources, and the two kinds of salary facts.

Published ranges (what an article says a group earns) and individual observations (what one
person earns) are separate models so that no statistic can mix them. Both store the raw values
their source gave and, beside them, normalized yearly figures (original currency, USD, PPP) so
that filters and percentiles run in the database.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_countries.fields import CountryField
from psycopg import sql

from salaries.conversion import ConversionTable
from salaries.remembered import data_changed

# Sent before a merged role is deleted, with old= and new= roles.
role_merged = Signal()


class Level(models.TextChoices):
    ENTRY = "entry", "Entry"
    MID = "mid", "Mid"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead / principal"
    EXECUTIVE = "executive", "Executive"

    @classmethod
    def label_for(cls, value: str) -> str:
        return cls(value).label if value else "Not stated"


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"
    CONTRACT = "contract", "Contract"
    FREELANCE = "freelance", "Freelance"


class CompanySize(models.TextChoices):
    SMALL = "S", "Small (under 50)"
    MEDIUM = "M", "Medium (50 to 250)"
    LARGE = "L", "Large (over 250)"


class PayBasis(models.TextChoices):
    BASE = "base", "Base salary"
    TOTAL = "total", "Total compensation"


class Period(models.TextChoices):
    HOUR = "hour", "per hour"
    MONTH = "month", "per month"
    YEAR = "year", "per year"


class RoleFamily(models.TextChoices):
    ML_AI = "ml_ai", "Machine learning and AI"
    DATA_SCIENCE = "data_science", "Data science"
    DATA_ENGINEERING = "data_engineering", "Data engineering"
    ANALYTICS = "analytics", "Analytics and BI"
    RESEARCH = "research", "Research"
    LEADERSHIP = "leadership", "Leadership"
    OTHER = "other", "Other"

    @classmethod
    def guess(cls, title: str) -> "RoleFamily":
        """A first family for a new title; an admin can change it."""
        t = f" {title.lower()} "
        rules = [
            (("head of", "director", "manager", " lead ", "vp ", "chief"), cls.LEADERSHIP),
            (("research",), cls.RESEARCH),
            (("machine learning", " ml ", " ai ", "deep learning", "nlp", "vision", "mlops",
              "prompt", "llm", "artificial intelligence"), cls.ML_AI),
            (("data scien", "scientist", "statistic", "quantitative"), cls.DATA_SCIENCE),
            (("data engineer", "etl", "data architect", "big data", "pipeline", "database",
              "data infrastructure", "cloud data"), cls.DATA_ENGINEERING),
            (("analyst", "analytics", " bi ", "business intelligence", "insight"), cls.ANALYTICS),
        ]  # fmt: skip
        for needles, family in rules:
            if any(needle in t for needle in needles):
                return family
        return cls.OTHER


class SourceKind(models.TextChoices):
    ARTICLE = "article", "Published article"
    SURVEY = "survey", "Survey dataset"
    USER_REPORT = "user_report", "User report"


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


class Role(SluggedModel):
    name = models.CharField("job title", max_length=120, unique=True)
    slug = models.SlugField(max_length=130, unique=True)
    family = models.CharField(max_length=20, choices=RoleFamily.choices, default=RoleFamily.OTHER)

    reserved_slugs = ("submit",)  # /salaries/submit/ is the report form

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(slug=""), name="role_slug_not_empty")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("salaries:role", args=[self.slug])

    @transaction.atomic
    def merge_into(self, target: "Role") -> None:
        """Fold this role into `target`: its facts move over and its title becomes an alias."""
        if target.pk == self.pk:
            raise ValueError("A role cannot be merged into itself")
        SalaryObservation.objects.filter(role=self).update(role=target)
        PublishedRange.objects.filter(role=self).update(role=target)
        PublishedPayGap.objects.filter(role=self).update(role=target)
        PublishedPayGap.objects.filter(compared_to=self).update(compared_to=target)
        SalaryReport.objects.filter(role=self).update(role=target)
        # Other apps (career guides) point at roles too; salaries does not know them.
        role_merged.send(sender=Role, old=self, new=target)
        self.aliases.update(role=target)
        RoleAlias.objects.get_or_create(name=self.name, defaults={"role": target})
        self.delete()


class RoleAlias(models.Model):
    name = models.CharField(max_length=120)
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "role aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="role_alias_unique_name"),
        ]

    def __str__(self):
        return f"{self.name} → {self.role}"


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


class City(SluggedModel):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=110)
    country = CountryField()

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
    source = models.CharField(max_length=300)

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
    source = models.CharField(max_length=300)

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


class SourceQuerySet(models.QuerySet):
    def with_fact_counts(self):
        return self.annotate(
            observations=models.Count("salaryobservation", distinct=True),
            ranges=models.Count("publishedrange", distinct=True),
        )


class Source(models.Model):
    key = models.SlugField(max_length=80, unique=True, help_text="Stable identifier for loaders")
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(help_text="Year of publication or collection")
    url = models.URLField(blank=True)
    licence = models.CharField(max_length=100, blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def citation(self) -> str:
        who = self.author or self.publisher
        when = self.published_on.isoformat() if self.published_on else str(self.year)
        parts = [f"“{self.title}”", who, when, self.licence]
        return ", ".join(part for part in parts if part)


class ImportBatch(models.Model):
    """One run of import_salaries: what file, how many rows, so imports can be audited."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField()
    rows_added = models.PositiveIntegerField()
    rows_rejected = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "import batches"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


# Salary facts --------------------------------------------------------------------------------


class NormalizedFact(models.Model):
    """Fields and normalization shared by both kinds of fact."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    role = models.ForeignKey(Role, on_delete=models.PROTECT)
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices, blank=True)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True)
    year = models.PositiveSmallIntegerField(help_text="Year the pay refers to")
    period = models.CharField(max_length=5, choices=Period.choices)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.ForeignKey(
        ExchangeRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ppp_factor = models.ForeignKey(
        PurchasingPowerFactor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class PublishedRangeQuerySet(models.QuerySet):
    def matching(
        self,
        role=None,
        country="",
        city=None,
        levels=(),
        industry=None,
        year_min=None,
        year_max=None,
        pay_basis="",
        employment_types=(),
    ):
        """Ranges relevant to a search. A range that does not narrow a dimension (no level,
        no city, no industry) speaks for all of it, so it matches too."""
        qs = self
        if role:
            qs = qs.filter(role=role)
        if country:
            qs = qs.filter(country=country)
        if city:
            qs = qs.filter(Q(city=city) | Q(city__isnull=True))
        if levels:
            qs = qs.filter(Q(level__in=levels) | Q(level=""))
        if industry:
            qs = qs.filter(Q(industry=industry) | Q(industry__isnull=True))
        if year_min:
            qs = qs.filter(year__gte=year_min)
        if year_max:
            qs = qs.filter(year__lte=year_max)
        if pay_basis:
            qs = qs.filter(Q(pay_basis=pay_basis) | Q(pay_basis=""))
        if employment_types:
            qs = qs.filter(Q(employment_type__in=employment_types) | Q(employment_type=""))
        return qs.select_related("source", "role", "currency", "city", "industry")


class PublishedRange(NormalizedFact):
    """A range a published source gives for a group, e.g. NPR 70,000-160,000 a month."""

    country = CountryField(blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="e.g. England")
    years_min = models.PositiveSmallIntegerField(null=True, blank=True)
    years_max = models.PositiveSmallIntegerField(null=True, blank=True)
    pay_basis = models.CharField(max_length=5, choices=PayBasis.choices, blank=True)
    low = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    label = models.CharField(max_length=120, help_text="A short description in our own words")
    yearly_low = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    yearly_high = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    usd_low = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    usd_high = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    ppp_low = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    ppp_high = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    objects = PublishedRangeQuerySet.as_manager()

    class Meta:
        ordering = ["country", "role", "level", "low"]
        constraints = [
            models.CheckConstraint(
                condition=Q(low__isnull=False) | Q(high__isnull=False),
                name="published_range_has_a_bound",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                name="published_range_low_not_above_high",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(low__gt=0), name="published_range_low_positive"
            ),
            models.CheckConstraint(
                condition=Q(years_min__isnull=True)
                | Q(years_max__isnull=True)
                | Q(years_min__lte=F("years_max")),
                name="published_range_years_ordered",
            ),
            models.UniqueConstraint(
                fields=[
                    "source",
                    "role",
                    "country",
                    "city",
                    "region",
                    "level",
                    "years_min",
                    "industry",
                    "pay_basis",
                    "employment_type",
                    "period",
                    "currency",
                    "low",
                    "high",
                ],
                nulls_distinct=False,
                name="published_range_unique_per_source",
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"{self.label} ({self.source})"

    @property
    def ppp_country(self):
        return self.country.code or None

    def normalize(self, table: ConversionTable) -> None:
        """Fill the yearly, USD and PPP bounds from the raw ones."""
        for bound in ("low", "high"):
            value = getattr(self, bound)
            converted = (
                table.convert(value, self.period, self.currency_id, self.ppp_country, self.year)
                if value is not None
                else None
            )
            setattr(self, f"yearly_{bound}", converted.yearly if converted else None)
            setattr(self, f"usd_{bound}", converted.usd if converted else None)
            setattr(self, f"ppp_{bound}", converted.ppp if converted else None)
            if converted:
                self.exchange_rate_id = converted.exchange_rate_id
                self.ppp_factor_id = converted.ppp_factor_id


class PublishedPayGapQuerySet(models.QuerySet):
    def involving(self, role, country=""):
        """Gaps a source states between this role and another, here or worldwide."""
        return (
            self.filter(Q(role=role) | Q(compared_to=role), country__in=["", country])
            .select_related("source", "role", "compared_to")
            .order_by("country", "role__name")
        )


class PublishedPayGap(models.Model):
    """A source's statement that one role is paid a percentage more than another, e.g. AI
    engineers 10-15% above machine learning engineers. Kept apart from money figures."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    compared_to = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    country = CountryField(blank=True, help_text="Blank: worldwide")
    low_percent = models.DecimalField(max_digits=5, decimal_places=1)
    high_percent = models.DecimalField(max_digits=5, decimal_places=1)
    year = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120, help_text="A short description in our own words")

    objects = PublishedPayGapQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(low_percent__lte=F("high_percent")), name="pay_gap_low_not_above_high"
            ),
            models.CheckConstraint(
                condition=~Q(role=F("compared_to")), name="pay_gap_between_two_roles"
            ),
            models.UniqueConstraint(
                fields=["source", "role", "compared_to", "country"],
                name="pay_gap_unique_per_source",
            ),
        ]

    def __str__(self):
        return self.label


def copy_rows(table: str, columns: list[str], rows) -> None:
    """Write rows with PostgreSQL COPY: for the 74,301-row survey several times faster than
    INSERTs through model instances, and every constraint still applies."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


NORMALIZED_COLUMNS = [
    "yearly_amount",
    "usd_yearly",
    "ppp_yearly",
    "exchange_rate_id",
    "ppp_factor_id",
]


class SalaryObservationQuerySet(models.QuerySet):
    def listable(self):
        """Rows a visitor may see one by one: survey answers, which their source published
        row by row. Reports sent to Talab count in the statistics but are never listed."""
        return self.exclude(source__kind=SourceKind.USER_REPORT)

    def for_listing(self):
        return self.listable().select_related(
            "role", "source", "currency", "city", "industry", "company"
        )

    def renormalize(self, table: ConversionTable, batch: int = 20_000) -> int:
        """Recompute the stored figures of these observations from `table`.

        Values are computed in Python (salaries.conversion holds the rules), copied into a
        temporary table and applied with one UPDATE per batch: row-by-row updates took 100 s
        for the survey."""
        inputs = ["id", "amount", "period", "currency_id", "employee_country", "year"]
        target = connection.ops.quote_name(SalaryObservation._meta.db_table)
        assignments = ", ".join(f"{c} = r.{c}" for c in NORMALIZED_COLUMNS)
        done, last_id = 0, 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE renormalized (id bigint PRIMARY KEY, yearly_amount numeric, "
                "usd_yearly numeric, ppp_yearly numeric, exchange_rate_id bigint, "
                "ppp_factor_id bigint) ON COMMIT DROP"
            )
            while rows := list(
                self.filter(pk__gt=last_id).order_by("pk").values_list(*inputs)[:batch]
            ):
                figures = (
                    (
                        pk,
                        *map(
                            SalaryObservation.normalized_fields(table, *row).get, NORMALIZED_COLUMNS
                        ),
                    )
                    for pk, *row in rows
                )
                copy_rows("renormalized", ["id", *NORMALIZED_COLUMNS], figures)
                cursor.execute(
                    f"UPDATE {target} o SET {assignments} FROM renormalized r "  # noqa: S608
                    "WHERE o.id = r.id"
                )
                cursor.execute("TRUNCATE renormalized")
                done, last_id = done + len(rows), rows[-1][0]
        data_changed()
        return done


class SalaryObservation(NormalizedFact):
    """One person's pay, from a survey dataset or an approved user report."""

    source_key = models.CharField(
        max_length=80, help_text="Identifies the row within its source, so imports are idempotent"
    )
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="observations"
    )
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Gross pay per period, as reported"
    )
    base = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    bonus = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    equity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    source_amount_usd = models.DecimalField(
        "source's own USD figure", max_digits=14, decimal_places=2, null=True, blank=True
    )
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    employee_country = CountryField(help_text="Where the employee lives")
    company_country = CountryField(blank=True, help_text="Where the employer is, if different")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, null=True, blank=True)
    company_size = models.CharField(max_length=1, choices=CompanySize.choices, blank=True)
    remote_ratio = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Share of work done remotely, in percent"
    )
    yearly_amount = models.DecimalField(max_digits=16, decimal_places=2)
    usd_yearly = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    ppp_yearly = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SalaryObservationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"], name="observation_unique_per_source"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="observation_amount_positive"),
            models.CheckConstraint(
                condition=Q(remote_ratio__isnull=True) | Q(remote_ratio__lte=100),
                name="observation_remote_ratio_percent",
            ),
            models.CheckConstraint(
                condition=Q(years_experience__isnull=True) | Q(years_experience__lte=60),
                name="observation_years_experience_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["role", "employee_country", "level"]),
            models.Index(fields=["employee_country", "year"]),
            # The reports list pages through the newest first.
            models.Index(fields=["-year", "-id"], name="observation_newest_first"),
            models.Index(fields=["usd_yearly"]),
        ]

    def __str__(self):
        return f"{self.role} in {self.employee_country.code}, {self.year}"

    @property
    def ppp_country(self):
        return self.employee_country.code

    @staticmethod
    def normalized_fields(table: ConversionTable, amount, period, currency, country, year):
        """The stored normalized columns for one person's pay (see salaries.conversion)."""
        converted = table.convert(amount, period, currency, country, year)
        return {
            "yearly_amount": converted.yearly,
            "usd_yearly": converted.usd,
            "ppp_yearly": converted.ppp,
            "exchange_rate_id": converted.exchange_rate_id,
            "ppp_factor_id": converted.ppp_factor_id,
        }

    def normalize(self, table: ConversionTable) -> None:
        fields = self.normalized_fields(
            table, self.amount, self.period, self.currency_id, self.ppp_country, self.year
        )
        for name, value in fields.items():
            setattr(self, name, value)


# User reports and their moderation --------------------------------------------------------

USER_REPORTS_SOURCE_KEY = "user-reports"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class RejectionReason(models.TextChoices):
    IMPLAUSIBLE = "implausible", "Implausible figures"
    DUPLICATE = "duplicate", "Duplicate of another report"
    INCOMPLETE = "incomplete", "Incomplete or inconsistent"
    SPAM = "spam", "Spam or abuse"
    OTHER = "other", "Other (see note)"


class SalaryReportQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ReportStatus.PENDING)


class SalaryReport(models.Model):
    """What a visitor sends about their own pay. Nothing here is public: approving a report
    creates the SalaryObservation that pages read."""

    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT)
    country = CountryField(help_text="Where you live and work")
    city = models.CharField(max_length=100, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    years_experience = models.PositiveSmallIntegerField(validators=[MaxValueValidator(60)])
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True)
    company = models.CharField(max_length=150, blank=True)
    company_size = models.CharField(max_length=1, choices=CompanySize.choices, blank=True)
    remote_ratio = models.PositiveSmallIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=5, choices=Period.choices)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Gross pay")
    bonus = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    equity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    outlier_note = models.CharField(
        max_length=200, blank=True, help_text="Set when the pay is far from similar reports"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=12, choices=RejectionReason.choices, blank=True)
    moderator_note = models.CharField(max_length=300, blank=True)
    observation = models.OneToOneField(
        SalaryObservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="report"
    )

    objects = SalaryReportQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at"]
        permissions = [("moderate_salaryreport", "Can approve or reject salary reports")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="report_amount_positive"),
            models.CheckConstraint(
                condition=Q(remote_ratio__isnull=True) | Q(remote_ratio__lte=100),
                name="report_remote_ratio_percent",
            ),
            models.CheckConstraint(
                condition=Q(years_experience__lte=60), name="report_years_experience_plausible"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.REJECTED) | ~Q(rejection_reason=""),
                name="report_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.PENDING) | Q(moderated_by__isnull=False),
                name="report_decision_has_moderator",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.role} in {self.country.code}, {self.amount} {self.currency_id}"

    def _lock_pending(self):
        """Lock the row, so two moderators cannot decide the same report at once."""
        current = SalaryReport.objects.select_for_update().get(pk=self.pk)
        if current.status != ReportStatus.PENDING:
            raise ValueError(f"Report {self.pk} was already {current.get_status_display().lower()}")

    def _decide(self, by, status, **fields):
        self.status, self.moderated_by, self.moderated_at = status, by, timezone.now()
        for name, value in fields.items():
            setattr(self, name, value)
        self.save()
        ModerationEvent.objects.create(
            report=self,
            action=status,
            by=by,
            reason=self.rejection_reason,
            note=self.moderator_note,
        )

    @transaction.atomic
    def approve(self, by) -> SalaryObservation:
        """Publish the report as an observation of the user-reports source.

        A city or company is linked only when it already exists: a name a visitor typed never
        becomes public by itself (it stays on the report for the moderator)."""
        self._lock_pending()
        source, _ = Source.objects.get_or_create(
            key=USER_REPORTS_SOURCE_KEY,
            defaults={"kind": SourceKind.USER_REPORT, "title": "Reports from Talab users",
                      "publisher": "Talab", "year": timezone.now().year},
        )  # fmt: skip
        city = City.objects.filter(country=self.country, name__iexact=self.city).first()
        company = Company.objects.named(self.company) if self.company else None
        observation = SalaryObservation(
            source=source,
            source_key=f"report-{self.pk}",
            role=self.role,
            level=self.level,
            years_experience=self.years_experience,
            employment_type=self.employment_type,
            industry=self.industry,
            city=city,
            company=company,
            company_size=self.company_size,
            remote_ratio=self.remote_ratio,
            employee_country=self.country,
            year=self.year,
            period=self.period,
            currency=self.currency,
            amount=self.amount,
            bonus=self.bonus,
            equity=self.equity,
        )
        observation.normalize(conversion_table())
        observation.save()
        self._decide(by, ReportStatus.APPROVED, observation=observation)
        return observation

    @transaction.atomic
    def reject(self, by, reason: str, note: str = "") -> None:
        self._lock_pending()
        if reason not in RejectionReason.values:
            raise ValueError(f"Unknown rejection reason {reason!r}")
        self._decide(by, ReportStatus.REJECTED, rejection_reason=reason, moderator_note=note[:300])


class ModerationEvent(models.Model):
    """The audit trail: who decided what about which report, when and why."""

    report = models.ForeignKey(SalaryReport, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=ReportStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=12, choices=RejectionReason.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.by} {self.action} report {self.report_id} at {self.at:%Y-%m-%d %H:%M}"
