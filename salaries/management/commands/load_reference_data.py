"""Load currencies, sources, exchange rates, PPP factors and the seed articles' published ranges.

Idempotent: every row is matched on its natural key and updated in place, so `make run` can
run it every time. The files live in salaries/seed/ (see README.md, "Data").
"""

import csv
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_countries import countries

from salaries.models import (
    City,
    Currency,
    ExchangeRate,
    Industry,
    PublishedPayGap,
    PublishedRange,
    PurchasingPowerFactor,
    Role,
    RoleFamily,
    Source,
    conversion_table,
)
from salaries.remembered import data_changed

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
SEED_SOURCE_KEYS = ["nepal-blog-2026", "somani-2026", "comprehensive-guide-2025"]


def read_seed(name: str):
    """Yield (line number, row) from a seed CSV; the header is line 1."""
    with open(SEED_DIR / name, newline="", encoding="utf-8") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)


def blank_to_none(value: str):
    value = value.strip()
    return value or None


def role_named(name: str) -> Role:
    return Role.objects.get_or_create(name=name, defaults={"family": RoleFamily.guess(name)})[0]


class Command(BaseCommand):
    help = "Load reference data and the cited seed figures (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        self.load_currencies()
        self.load_sources()
        self.load_exchange_rates()
        self.load_ppp_factors()
        count = self.load_published_ranges()
        gaps = self.load_pay_gaps()
        data_changed()  # rates and factors were written in bulk, without signals
        self.stdout.write(
            f"Reference data loaded: {Currency.objects.count()} currencies, "
            f"{ExchangeRate.objects.count()} exchange rates, "
            f"{PurchasingPowerFactor.objects.count()} PPP factors, "
            f"{Source.objects.count()} sources, {count} published ranges, {gaps} pay gaps."
        )

    def fail(self, name, line, message):
        raise CommandError(f"{name}, line {line}: {message}")

    def load_currencies(self):
        existing = set(Currency.objects.values_list("code", flat=True))
        Currency.objects.bulk_create(
            Currency(code=c.alpha_3, name=c.name)
            for c in pycountry.currencies
            if c.alpha_3 not in existing
        )

    def load_sources(self):
        for _line, row in read_seed("sources.csv"):
            published_on = blank_to_none(row["published_on"])
            Source.objects.update_or_create(
                key=row["key"],
                defaults={
                    "kind": row["kind"],
                    "title": row["title"],
                    "author": row["author"],
                    "publisher": row["publisher"],
                    "published_on": date.fromisoformat(published_on) if published_on else None,
                    "year": int(row["year"]),
                    "url": row["url"],
                    "licence": row["licence"],
                },
            )

    def load_exchange_rates(self):
        rates = []
        for line, row in read_seed("exchange_rates.csv"):
            try:
                rates.append(
                    ExchangeRate(
                        currency_id=row["currency"],
                        as_of=date.fromisoformat(row["as_of"]),
                        units_per_usd=Decimal(row["units_per_usd"]),
                        source=row["source"],
                        note=row["note"],
                    )
                )
            except (ValueError, InvalidOperation) as exc:
                self.fail("exchange_rates.csv", line, exc)
        ExchangeRate.objects.bulk_create(
            rates,
            update_conflicts=True,
            unique_fields=["currency", "as_of"],
            update_fields=["units_per_usd", "source", "note"],
        )

    def load_ppp_factors(self):
        factors = []
        for line, row in read_seed("ppp_factors.csv"):
            if row["country"] not in countries:
                self.fail("ppp_factors.csv", line, f"unknown country {row['country']!r}")
            factors.append(
                PurchasingPowerFactor(
                    country=row["country"],
                    year=int(row["year"]),
                    lcu_per_international_dollar=Decimal(row["lcu_per_international_dollar"]),
                    currency_id=row["currency"],
                    source=row["source"],
                    note=row["note"],
                )
            )
        PurchasingPowerFactor.objects.bulk_create(
            factors,
            update_conflicts=True,
            unique_fields=["country", "year"],
            update_fields=["lcu_per_international_dollar", "currency", "source", "note"],
        )

    def load_published_ranges(self) -> int:
        table = conversion_table()
        sources = {source.key: source for source in Source.objects.all()}
        loaded = []
        for line, row in read_seed("published_ranges.csv"):
            if row["source"] not in SEED_SOURCE_KEYS:
                self.fail("published_ranges.csv", line, f"unknown source {row['source']!r}")
            country = row["country"]
            if country and country not in countries:
                self.fail("published_ranges.csv", line, f"unknown country {country!r}")
            role = role_named(row["role"])
            city = None
            if row["city"]:
                city, _ = City.objects.get_or_create(name=row["city"], country=country)
            industry = None
            if row["industry"]:
                industry, _ = Industry.objects.get_or_create(name=row["industry"])
            years_min = blank_to_none(row["years_min"])
            low, high = blank_to_none(row["low"]), blank_to_none(row["high"])
            fact, _ = PublishedRange.objects.update_or_create(
                source=sources[row["source"]],
                role=role,
                country=country,
                city=city,
                region=row["region"],
                level=row["level"],
                years_min=int(years_min) if years_min else None,
                industry=industry,
                pay_basis=row["pay_basis"],
                employment_type=row["employment_type"],
                period=row["period"],
                currency_id=row["currency"],
                low=Decimal(low) if low else None,
                high=Decimal(high) if high else None,
                defaults={
                    "years_max": int(row["years_max"]) if row["years_max"] else None,
                    "year": int(row["year"]),
                    "label": row["label"],
                    "open_ended": row["open_ended"] == "yes",
                },
            )
            fact.normalize(table)
            fact.save()
            loaded.append(fact.pk)
        # The file is the whole truth for these sources: a row removed from it goes here too.
        PublishedRange.objects.filter(source__key__in=SEED_SOURCE_KEYS).exclude(
            pk__in=loaded
        ).delete()
        return len(loaded)

    def load_pay_gaps(self) -> int:
        loaded = []
        for line, row in read_seed("published_gaps.csv"):
            if row["source"] not in SEED_SOURCE_KEYS:
                self.fail("published_gaps.csv", line, f"unknown source {row['source']!r}")
            roles = [
                Role.objects.get_or_create(name=name, defaults={"family": RoleFamily.guess(name)})[
                    0
                ]
                for name in (row["role"], row["compared_to"])
            ]
            gap, _ = PublishedPayGap.objects.update_or_create(
                source=Source.objects.get(key=row["source"]),
                role=roles[0],
                compared_to=roles[1],
                country=row["country"],
                defaults={
                    "low_percent": Decimal(row["low_percent"]),
                    "high_percent": Decimal(row["high_percent"]),
                    "year": int(row["year"]),
                    "label": row["label"],
                },
            )
            loaded.append(gap.pk)
        PublishedPayGap.objects.filter(source__key__in=SEED_SOURCE_KEYS).exclude(
            pk__in=loaded
        ).delete()
        return len(loaded)
