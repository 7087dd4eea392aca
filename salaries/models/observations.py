"""What one person earns: salary observations, from survey datasets and approved reports.

Besides the model, this holds how their stored normalized figures are written in bulk: COPY
for imports (copy_rows) and a batched UPDATE when rates change (renormalize).
"""

from django.db import connection, models, transaction
from django.db.models import Q
from django_countries.fields import CountryField
from psycopg import sql

from salaries.conversion import ConversionTable
from salaries.models.normalized import NormalizedFact
from salaries.models.reference import Company, CompanySize, SourceKind
from salaries.models.sources import ImportBatch
from salaries.remembered import data_changed


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
    source_title = models.CharField(
        max_length=120, blank=True,
        help_text="The job title as the source gave it, filed under a role by its alias",
    )  # fmt: skip
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
