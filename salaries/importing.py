"""Reading salary observations from CSV files: the aijobs.net survey and a generic format.

Every row is validated before anything is written. A bad row is reported with its line number
and reason; by default one bad row means nothing is imported. Rows are identified by a hash of
their content plus how many identical rows came before it in the file (surveys do contain
identical answers from different people), so re-importing a file adds nothing.
"""

import csv
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries import countries

from salaries.conversion import MAX_AMOUNT, plausible_yearly
from salaries.models import (
    City,
    Company,
    CompanyAlias,
    CompanySize,
    Currency,
    EmploymentType,
    ImportBatch,
    Industry,
    Level,
    Period,
    Role,
    RoleAlias,
    RoleFamily,
    SalaryObservation,
    Source,
    conversion_table,
    copy_rows,
)
from salaries.remembered import data_changed

AIJOBS_SOURCE_KEY = "aijobs"
AIJOBS_LEVELS = {"EN": Level.ENTRY, "MI": Level.MID, "SE": Level.SENIOR, "EX": Level.EXECUTIVE}
AIJOBS_EMPLOYMENT = {
    "FT": EmploymentType.FULL_TIME,
    "PT": EmploymentType.PART_TIME,
    "CT": EmploymentType.CONTRACT,
    "FL": EmploymentType.FREELANCE,
}
AIJOBS_COLUMNS = [
    "work_year", "experience_level", "employment_type", "job_title", "salary",
    "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
    "company_location", "company_size",
]  # fmt: skip
GENERIC_REQUIRED = ["job_title", "country", "year", "amount", "currency", "period"]
GENERIC_OPTIONAL = [
    "level", "years_experience", "employment_type", "city", "company", "company_country",
    "company_size", "remote_ratio", "industry", "base", "bonus", "equity", "amount_usd",
]  # fmt: skip


class ImportError_(Exception):
    """The file as a whole cannot be read (no header, wrong columns, bad encoding)."""


class RowError(ValueError):
    pass


@dataclass
class Row:
    line: int
    key: str
    job_title: str
    country: str
    year: int
    amount: Decimal
    currency: str
    period: str
    level: str = ""
    years_experience: int | None = None
    employment_type: str = ""
    city: str = ""
    company: str = ""
    company_country: str = ""
    company_size: str = ""
    remote_ratio: int | None = None
    industry: str = ""
    base: Decimal | None = None
    bonus: Decimal | None = None
    equity: Decimal | None = None
    amount_usd: Decimal | None = None


@dataclass
class ImportResult:
    rows_read: int = 0
    added: int = 0
    already_present: int = 0
    restated: int = 0  # present, with the source's derived figures updated in place
    removed: int = 0  # gone from the new snapshot (with replace)
    errors: list[tuple[int, str]] = field(default_factory=list)
    imported: bool = False
    batch: ImportBatch | None = None


# Field parsers: each takes the raw text and raises RowError with a reason a person can act on.


THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def money(value: str, column: str, required=True) -> Decimal | None:
    value = value.strip()
    if not value:
        if required:
            raise RowError(f"{column} is empty")
        return None
    if "," in value:
        if not THOUSANDS.match(value):
            raise RowError(f"{column} {value!r}: use a dot for decimals, commas only for thousands")
        value = value.replace(",", "")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RowError(f"{column} {value!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise RowError(f"{column} must be a positive number, not {value!r}")
    if amount >= MAX_AMOUNT:
        raise RowError(f"{column} {value!r} is implausibly large")
    return amount.quantize(Decimal("0.01"))


def yearly_within_limits(amount: Decimal, period: str, column: str) -> None:
    if not plausible_yearly(amount, period):
        raise RowError(f"{column} {amount} {period}ly is implausibly large over a year")


def whole_number(value: str, column: str, low: int, high: int, required=True) -> int | None:
    value = value.strip()
    if not value:
        if required:
            raise RowError(f"{column} is empty")
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(f"{column} {value!r} is not a whole number") from None
    if not low <= number <= high:
        raise RowError(f"{column} {number} is outside {low}-{high}")
    return number


def country(value: str, column: str, required=True) -> str:
    code = value.strip().upper()
    if not code and not required:
        return ""
    if code not in countries:
        raise RowError(f"{column} {value!r} is not an ISO 3166 country code")
    return code


def choice(value: str, column: str, options: dict, required=True) -> str:
    value = value.strip()
    if not value and not required:
        return ""
    if value not in options:
        raise RowError(f"{column} {value!r} is not one of {', '.join(options)}")
    return options[value]


def text(value: str, column: str, max_length: int, required=True) -> str:
    value = " ".join(value.split())
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise RowError(f"{column} contains control characters")
    if not value and required:
        raise RowError(f"{column} is empty")
    if len(value) > max_length:
        raise RowError(f"{column} is longer than {max_length} characters")
    return value


# What a row's identity rests on: what the source says about the person, parsed, so that a later
# release that reformats a number ("150000" as "150000.0") or restates a figure the source
# derives itself (salary_in_usd) brings back the same observation, not a second person.
DERIVED_FIELDS = {"line", "key", "amount_usd"}


def row_key(row: "Row", seen: Counter) -> str:
    """The row's identity within its source: a hash of its parsed, non-derived fields, and how
    many identical rows came before it (a survey holds identical answers from different people)."""
    values = [
        f"{name}={format(value.normalize(), 'f') if isinstance(value, Decimal) else value}"
        for name, value in sorted(vars(row).items())
        if name not in DERIVED_FIELDS
    ]
    digest = hashlib.sha1("\x1f".join(values).encode(), usedforsecurity=False).hexdigest()
    seen[digest] += 1
    return f"{digest}#{seen[digest]}"


class Reader:
    """Validates one CSV format. Subclasses say which columns it has and how a row maps."""

    required: list[str]
    optional: list[str] = []

    def __init__(self, currencies: set[str]):
        self.currencies = currencies
        self.max_year = date.today().year + 1

    def currency(self, value: str, column: str) -> str:
        code = value.strip().upper()
        if code not in self.currencies:
            raise RowError(f"{column} {value!r} is not a known ISO 4217 currency")
        return code

    def year(self, value: str, column: str) -> int:
        return whole_number(value, column, 1990, self.max_year)

    def parse(self, line: int, key: str, raw: dict) -> Row:
        raise NotImplementedError


class AijobsReader(Reader):
    required = AIJOBS_COLUMNS

    def parse(self, line, key, raw):
        currency = self.currency(raw["salary_currency"], "salary_currency")
        return Row(
            line=line,
            key=key,
            job_title=text(raw["job_title"], "job_title", 120),
            year=self.year(raw["work_year"], "work_year"),
            level=choice(raw["experience_level"], "experience_level", AIJOBS_LEVELS),
            employment_type=choice(raw["employment_type"], "employment_type", AIJOBS_EMPLOYMENT),
            amount=money(raw["salary"], "salary"),
            currency=currency,
            period=Period.YEAR,
            amount_usd=money(raw["salary_in_usd"], "salary_in_usd"),
            country=country(raw["employee_residence"], "employee_residence"),
            remote_ratio=choice(
                raw["remote_ratio"], "remote_ratio", {"0": 0, "50": 50, "100": 100}
            ),
            company_country=country(raw["company_location"], "company_location"),
            company_size=choice(raw["company_size"], "company_size", {s: s for s in CompanySize}),
        )


class GenericReader(Reader):
    required = GENERIC_REQUIRED
    optional = GENERIC_OPTIONAL

    def parse(self, line, key, raw):
        get = lambda column: raw.get(column) or ""  # noqa: E731
        row = Row(
            line=line,
            key=key,
            job_title=text(get("job_title"), "job_title", 120),
            country=country(get("country"), "country"),
            year=self.year(get("year"), "year"),
            amount=money(get("amount"), "amount"),
            currency=self.currency(get("currency"), "currency"),
            period=choice(get("period"), "period", {p.value: p.value for p in Period}),
            level=choice(get("level"), "level", {v.value: v.value for v in Level}, False),
            years_experience=whole_number(
                get("years_experience"), "years_experience", 0, 60, required=False
            ),
            employment_type=choice(
                get("employment_type"),
                "employment_type",
                {v.value: v.value for v in EmploymentType},
                required=False,
            ),
            city=text(get("city"), "city", 100, required=False),
            company=text(get("company"), "company", 150, required=False),
            company_country=country(get("company_country"), "company_country", required=False),
            company_size=choice(
                get("company_size"), "company_size", {s: s for s in CompanySize}, required=False
            ),
            remote_ratio=whole_number(get("remote_ratio"), "remote_ratio", 0, 100, False),
            industry=text(get("industry"), "industry", 100, required=False),
            base=money(get("base"), "base", required=False),
            bonus=money(get("bonus"), "bonus", required=False),
            equity=money(get("equity"), "equity", required=False),
            amount_usd=money(get("amount_usd"), "amount_usd", required=False),
        )
        yearly_within_limits(row.amount, row.period, "amount")
        return row


READERS = {"aijobs": AijobsReader, "generic": GenericReader}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_rows(path: Path, reader: Reader, progress=None):
    """Validate every row. Returns (rows, errors); raises ImportError_ for an unreadable file."""
    rows, errors, seen = [], [], Counter()
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            table = csv.DictReader(handle)
            header = table.fieldnames
            if not header:
                raise ImportError_(f"{path} is empty: expected a header row")
            header = [column.strip() for column in header]
            table.fieldnames = header
            missing = [column for column in reader.required if column not in header]
            if missing:
                raise ImportError_(
                    f"{path} is missing column(s) {', '.join(missing)}; "
                    f"the header has: {', '.join(header)}"
                )
            unknown = set(header) - set(reader.required) - set(reader.optional)
            if unknown:
                raise ImportError_(f"{path} has unexpected column(s) {', '.join(sorted(unknown))}")
            for raw in table:
                line = table.line_num
                if None in raw or None in raw.values():
                    errors.append((line, f"expected {len(header)} fields"))
                    continue
                try:
                    row = reader.parse(line, "", raw)
                    row.key = row_key(row, seen)
                    rows.append(row)
                except RowError as exc:
                    errors.append((line, str(exc)))
                if progress and len(rows) % 10000 == 0 and rows:
                    progress(len(rows) + len(errors))
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise ImportError_(f"{path} is not a readable CSV file: {exc}") from None
    return rows, errors


def lookup_by_name(model, alias_model, names: set[str]) -> dict[str, object]:
    """Map lower-cased names to existing rows by name or alias."""
    found = {
        obj.name.lower(): obj for obj in model.objects.annotate(n=Lower("name")).filter(n__in=names)
    }
    for alias in alias_model.objects.annotate(n=Lower("name")).filter(n__in=names).select_related():
        target = getattr(alias, model._meta.model_name)
        found.setdefault(alias.name.lower(), target)
    return found


def resolve_named(model, alias_model, names: set[str], **defaults) -> dict[str, object]:
    """Rows for names (lower-cased keys), found by name or alias, created where missing.

    Names differing only in case ("Data scientist", "Data Scientist") share one row."""
    found = lookup_by_name(model, alias_model, {name.lower() for name in names})
    missing = {}
    for name in sorted(names):
        missing.setdefault(name.lower(), name)
    for key, name in missing.items():
        if key not in found:
            found[key] = model.objects.create(
                name=name, **{field: make(name) for field, make in defaults.items()}
            )
    return found


def resolve_simple(model, names: set[str], **extra) -> dict[str, object]:
    return {name: model.objects.get_or_create(name=name, **extra)[0] for name in names}


def pk_of(obj):
    return obj.pk if obj is not None else None


def import_file(
    path: Path,
    fmt: str,
    source: Source,
    skip_invalid: bool = False,
    progress=None,
    replace: bool = False,
) -> ImportResult:
    """Import a file's rows into `source`. With `replace`, the file is the source's new
    snapshot: rows gone from it are removed, rows restated are updated in place."""
    result = ImportResult()
    reader = READERS[fmt](set(Currency.objects.values_list("code", flat=True)))
    rows, errors = read_rows(path, reader, progress)
    result.rows_read = len(rows) + len(errors)
    result.errors = errors
    if errors and not skip_invalid:
        return result
    result.imported = True

    existing = dict(
        SalaryObservation.objects.filter(source=source).values_list(
            "source_key", "source_amount_usd"
        )
    )
    new_rows = [row for row in rows if row.key not in existing]
    result.already_present = len(rows) - len(new_rows)
    restated = [row for row in rows if row.key in existing and existing[row.key] != row.amount_usd]
    gone = set(existing) - {row.key for row in rows} if replace else set()

    if not (new_rows or restated or gone):
        return result
    with transaction.atomic():
        for row in restated:
            SalaryObservation.objects.filter(source=source, source_key=row.key).update(
                source_amount_usd=row.amount_usd
            )
        result.restated = len(restated)
        if gone:
            result.removed = SalaryObservation.objects.filter(
                source=source, source_key__in=gone
            ).delete()[0]
        if not new_rows:
            data_changed()
            return result
        batch = ImportBatch.objects.create(
            source=source,
            file_name=path.name,
            sha256=sha256_of(path),
            rows_read=result.rows_read,
            rows_added=len(new_rows),
            rows_rejected=len(errors),
        )
        roles = resolve_named(
            Role, RoleAlias, {r.job_title for r in new_rows}, family=RoleFamily.guess
        )
        companies = resolve_named(Company, CompanyAlias, {r.company for r in new_rows if r.company})
        industries = resolve_simple(Industry, {r.industry for r in new_rows if r.industry})
        cities = {
            (r.city, r.country): City.objects.get_or_create(name=r.city, country=r.country)[0]
            for r in new_rows
            if r.city
        }
        table = conversion_table()
        now = timezone.now()
        records = (
            {
                "source_id": source.pk,
                "source_key": row.key,
                "import_batch_id": batch.pk,
                "role_id": roles[row.job_title.lower()].pk,
                "level": row.level,
                "years_experience": row.years_experience,
                "employment_type": row.employment_type,
                "industry_id": pk_of(industries.get(row.industry)),
                "city_id": pk_of(cities.get((row.city, row.country))),
                "company_id": pk_of(companies.get(row.company.lower())),
                "company_size": row.company_size,
                "remote_ratio": row.remote_ratio,
                "employee_country": row.country,
                "company_country": row.company_country,
                "year": row.year,
                "period": row.period,
                "currency_id": row.currency,
                "amount": row.amount,
                "base": row.base,
                "bonus": row.bonus,
                "equity": row.equity,
                "source_amount_usd": row.amount_usd,
                "created_at": now,
                **SalaryObservation.normalized_fields(
                    table, row.amount, row.period, row.currency, row.country, row.year
                ),
            }
            for row in new_rows
        )
        records = list(records)
        columns = list(records[0]) if records else []
        copy_rows(
            SalaryObservation._meta.db_table,
            columns,
            ([record[c] for c in columns] for record in records),
        )
    data_changed()
    result.added = len(new_rows)
    result.batch = batch
    return result
