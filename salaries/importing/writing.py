"""Writing an import: the rows a source does not have yet are copied in as one batch, rows it
restates are updated in place and, when the file replaces the source's snapshot, rows gone
from it are removed. Roles, companies, industries and cities are found or created by name."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from salaries.importing.formats import READERS
from salaries.importing.reading import read_rows
from salaries.models import (
    City,
    Company,
    CompanyAlias,
    Currency,
    ImportBatch,
    Industry,
    Role,
    SalaryObservation,
    Source,
    conversion_table,
    copy_rows,
)
from salaries.remembered import data_changed


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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def lookup_by_name(model, alias_model, names: set[str]) -> dict[str, object]:
    """Map lower-cased names to existing rows by name or alias."""
    found = {
        obj.name.lower(): obj for obj in model.objects.annotate(n=Lower("name")).filter(n__in=names)
    }
    for alias in alias_model.objects.annotate(n=Lower("name")).filter(n__in=names).select_related():
        target = getattr(alias, model._meta.model_name)
        found.setdefault(alias.name.lower(), target)
    return found


def resolve_named(model, alias_model, names: set[str]) -> dict[str, object]:
    """Rows for names (lower-cased keys), found by name or alias, created where missing.

    Names differing only in case ("Data scientist", "Data Scientist") share one row."""
    found = lookup_by_name(model, alias_model, {name.lower() for name in names})
    missing = {}
    for name in sorted(names):
        missing.setdefault(name.lower(), name)
    for key, name in missing.items():
        if key not in found:
            found[key] = model.objects.create(name=name)
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
        # Each title is filed under its canonical role, at the level the title holds if any.
        roles = Role.objects.for_titles({r.job_title for r in new_rows})
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
                "role_id": roles[row.job_title.lower()][0].pk,
                "level": roles[row.job_title.lower()][1] or row.level,
                "source_title": row.job_title,
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
