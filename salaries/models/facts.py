"""Sources, their imports, and the two kinds of salary facts: published ranges (and pay
gaps) and individual observations."""

from django.db import connection, models, transaction
from django.db.models import Case, F, Q, Value, When
from django_countries.fields import CountryField
from psycopg import sql

from salaries.conversion import ConversionTable
from salaries.models.reference import (
    City,
    Company,
    CompanySize,
    Currency,
    EmploymentType,
    ExchangeRate,
    Industry,
    Level,
    PayBasis,
    Period,
    PurchasingPowerFactor,
    Role,
    SourceKind,
)
from salaries.remembered import data_changed


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
        return qs.select_related(
            "source", "role", "currency", "city", "industry", "exchange_rate", "ppp_factor"
        ).in_reading_order()

    def in_reading_order(self):
        """Salaried pay before freelance and contract rates; then by country and level, from
        ranges for every level to the most senior."""
        levels = [When(level="", then=Value(0))] + [
            When(level=value, then=Value(index)) for index, value in enumerate(Level.values, 1)
        ]
        return self.alias(
            freelance=Q(employment_type__in=PublishedRange.SELF_EMPLOYED),
            level_rank=Case(*levels, default=Value(99)),
        ).order_by("freelance", "country", "level_rank", "low")


class PublishedRange(NormalizedFact):
    """A range a published source gives for a group, e.g. NPR 70,000-160,000 a month."""

    country = CountryField(blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="e.g. England")
    years_min = models.PositiveSmallIntegerField(null=True, blank=True)
    years_max = models.PositiveSmallIntegerField(null=True, blank=True)
    pay_basis = models.CharField(max_length=5, choices=PayBasis.choices, blank=True)
    low = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    open_ended = models.BooleanField(
        default=False, help_text="The source says pay can go above the high bound (or has none)"
    )
    seed_key = models.SlugField(
        max_length=80, blank=True, editable=False,
        help_text="The row of a seed file this range came from: loaders find it by this, so an "
        "editor's changes to the range are kept",
    )  # fmt: skip
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
            models.UniqueConstraint(
                fields=["source", "seed_key"],
                condition=~Q(seed_key=""),
                name="published_range_unique_seed_key",
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

    SELF_EMPLOYED = [EmploymentType.FREELANCE, EmploymentType.CONTRACT]

    def __str__(self):
        return f"{self.label} ({self.source})"

    @property
    def ppp_country(self):
        return self.country.code or None

    def placement(self, usd_yearly) -> str:
        """Whether a yearly dollar figure is below, within or above this range."""
        if self.usd_low is not None and usd_yearly < self.usd_low:
            return "below"
        if self.usd_high is not None and usd_yearly > self.usd_high and not self.open_ended:
            return "above"
        return "within"

    @property
    def kind_of_pay(self) -> str:
        """Salaried pay and freelance or contract rates are read apart."""
        if self.employment_type in self.SELF_EMPLOYED:
            return "Freelance and contract rates"
        return "Salaried pay"

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
    def survey(self):
        """Survey answers, which their source published row by row: what survey figures rest
        on and what a visitor may see one by one. Reports sent to Talab are neither (their
        figures are released apart, salaries.figures.releases)."""
        return self.exclude(source__kind=SourceKind.USER_REPORT)

    def for_listing(self):
        return self.survey().select_related(
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
            # A second run in the same transaction finds the table, emptied by the first.
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS renormalized (id bigint PRIMARY KEY, "
                "yearly_amount numeric, "
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
