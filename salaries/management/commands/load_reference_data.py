"""Load currencies, sources, exchange rates, PPP factors, roles and the titles sources use for
them, and the seed articles' published ranges.

Idempotent, and it never loses an edit: rows are matched on their natural key, what is missing
is added, and a row that differs from the file (edited in the admin, say) is kept as it is and
reported. `--update` takes the file's values instead (and recomputes the stored figures); no row
is ever deleted. `make run` runs it every time. The files live in salaries/seed/ (README, "Data").
"""

import csv
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django_countries import countries

from salaries.models import (
    GENERAL_ROLE_SLUG,
    City,
    Currency,
    ExchangeRate,
    Industry,
    Level,
    PublishedPayGap,
    PublishedRange,
    PurchasingPowerFactor,
    Role,
    RoleAlias,
    RoleFamily,
    SalaryObservation,
    Source,
    conversion_table,
)
from salaries.remembered import data_changed

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
MICRO = Decimal("0.000001")  # rates and factors are stored to 6 decimal places
SEED_SOURCE_KEYS = ["nepal-blog-2026", "somani-2026", "comprehensive-guide-2025"]


def read_seed(name: str):
    """Yield (line number, row) from a seed CSV; the header is line 1."""
    with open(SEED_DIR / name, newline="", encoding="utf-8") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)


def blank_to_none(value: str):
    value = value.strip()
    return value or None


def role_named(name: str, file: str, line: int) -> Role:
    """The canonical role of this name, or the one its title is an alias of."""
    role = Role.objects.named(name)
    if role is None:
        raise CommandError(f"{file}, line {line}: no role {name!r} in roles.csv or its titles")
    return role


class Command(BaseCommand):
    help = "Load reference data and the cited seed figures (adds what is missing, keeps edits)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Take the file's values for rows that differ (edits made in the admin are lost)",
        )

    @transaction.atomic
    def handle(self, *args, update=False, **options):
        self.update, self.differing = update, []
        self.load_currencies()
        self.load_sources()
        self.load_exchange_rates()
        self.load_ppp_factors()
        self.load_cities()
        roles, moved = self.load_roles()
        count = self.load_published_ranges()
        gaps = self.load_pay_gaps()
        if update and self.differing:
            SalaryObservation.objects.all().renormalize(conversion_table())
        data_changed()  # rates and factors were written in bulk, without signals
        self.stdout.write(
            f"Reference data loaded: {Currency.objects.count()} currencies, "
            f"{ExchangeRate.objects.count()} exchange rates, "
            f"{PurchasingPowerFactor.objects.count()} PPP factors, "
            f"{Source.objects.count()} sources, {roles} roles ({moved} survey rows refiled "
            f"under them), {count} published ranges, {gaps} pay gaps."
        )
        if self.differing:
            verb = "took the file's values for" if update else "kept, as edited,"
            self.stdout.write(f"{len(self.differing)} row(s) differ from the seed files; {verb}:")
            for line in self.differing[:50]:
                self.stdout.write(f"  {line}")
            if not update:
                self.stdout.write("Run with --update to take the files' values instead.")

    def keep_or_update(self, model, key: dict, values: dict, label: str):
        """Add the row if missing; if it differs from the file, keep it (or, with --update,
        take the file's values) and note it. Returns the row."""
        row, created = model.objects.get_or_create(**key, defaults=values)
        if created:
            return row
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if changed:
            self.differing.append(f"{label}: " + ", ".join(sorted(changed)))
            if self.update:
                for name, value in changed.items():
                    setattr(row, name, value)
                row.save()
        return row

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
            self.keep_or_update(
                Source,
                {"key": row["key"]},
                {
                    "kind": row["kind"],
                    "title": row["title"],
                    "author": row["author"],
                    "publisher": row["publisher"],
                    "published_on": date.fromisoformat(published_on) if published_on else None,
                    "year": int(row["year"]),
                    "url": row["url"],
                    "licence": row["licence"],
                },
                f"source {row['key']}",
            )

    def load_exchange_rates(self):
        for line, row in read_seed("exchange_rates.csv"):
            try:
                key = {"currency_id": row["currency"], "as_of": date.fromisoformat(row["as_of"])}
                values = {"units_per_usd": Decimal(row["units_per_usd"]).quantize(MICRO)}
            except (ValueError, InvalidOperation) as exc:
                self.fail("exchange_rates.csv", line, exc)
            values |= {"source": row["source"], "note": row["note"]}
            label = f"exchange rate {row['currency']} {row['as_of']}"
            self.keep_or_update(ExchangeRate, key, values, label)

    def load_ppp_factors(self):
        for line, row in read_seed("ppp_factors.csv"):
            if row["country"] not in countries:
                self.fail("ppp_factors.csv", line, f"unknown country {row['country']!r}")
            self.keep_or_update(
                PurchasingPowerFactor,
                {"country": row["country"], "year": int(row["year"])},
                {
                    "lcu_per_international_dollar": Decimal(
                        row["lcu_per_international_dollar"]
                    ).quantize(MICRO),
                    "currency_id": row["currency"],
                    "source": row["source"],
                    "note": row["note"],
                },
                f"PPP factor {row['country']} {row['year']}",
            )

    def load_cities(self):
        """Cities people pick in forms before any figure names them: Nepal's provincial
        capitals and the Kathmandu valley's three cities."""
        for line, row in read_seed("cities.csv"):
            if row["country"] not in countries:
                self.fail("cities.csv", line, f"unknown country {row['country']!r}")
            City.objects.get_or_create(name=row["name"], country=row["country"])

    def load_roles(self) -> tuple[int, int]:
        """The canonical roles, then every source title as an alias of one (with the level the
        title holds). Rows of a title that was a role of its own (imported before the mapping)
        move to its role and level, and that role is merged away."""
        for line, row in read_seed("roles.csv"):
            if row["family"] not in RoleFamily.values:
                self.fail("roles.csv", line, f"unknown family {row['family']!r}")
            values = {
                "name": row["name"],
                "name_ne": row["name_ne"],
                "family": row["family"],
                "general": row["slug"] == GENERAL_ROLE_SLUG,
            }
            if role := Role.objects.filter(Q(slug=row["slug"]) | Q(name=row["name"])).first():
                self.keep_or_update(Role, {"pk": role.pk}, values, f"role {row['slug']}")
            else:
                Role.objects.create(slug=row["slug"], **values)
        # Rows imported before titles were kept were filed under a role named after theirs.
        SalaryObservation.objects.filter(source_title="").update(
            source_title=Subquery(Role.objects.filter(pk=OuterRef("role")).values("name"))
        )
        canonical = {role.slug: role for role in Role.objects.all()}
        titled = []
        for line, row in read_seed("role_titles.csv"):
            role = canonical.get(row["role"])
            if role is None:
                self.fail("role_titles.csv", line, f"unknown role {row['role']!r}")
            if row["level"] not in ("", *Level.values):
                self.fail("role_titles.csv", line, f"unknown level {row['level']!r}")
            if row["title"].lower() == role.name.lower():
                continue  # the role's own name needs no alias
            alias = RoleAlias.objects.filter(name__iexact=row["title"]).first()
            values = {"role": role, "level": row["level"]}
            if alias is None:
                alias = RoleAlias.objects.create(name=row["title"], **values)
            else:
                alias = self.keep_or_update(
                    RoleAlias, {"pk": alias.pk}, values, f"title {row['title']}"
                )
            titled.append(alias)
        moved = RoleAlias.objects.filter(pk__in=[a.pk for a in titled]).refile()
        for alias in titled:
            own = Role.objects.filter(name__iexact=alias.name).exclude(pk=alias.role_id).first()
            if own is not None:  # emptied of survey rows by refile; its other facts move too
                own.merge_into(alias.role)
        return Role.objects.listed().count(), moved

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
            role = role_named(row["role"], "published_ranges.csv", line)
            city = None
            if row["city"]:
                city, _ = City.objects.get_or_create(name=row["city"], country=country)
            industry = None
            if row["industry"]:
                industry, _ = Industry.objects.get_or_create(name=row["industry"])
            years_min = blank_to_none(row["years_min"])
            low, high = blank_to_none(row["low"]), blank_to_none(row["high"])
            key = {
                "source": sources[row["source"]], "role": role, "country": country, "city": city,
                "region": row["region"], "level": row["level"],
                "years_min": int(years_min) if years_min else None, "industry": industry,
                "pay_basis": row["pay_basis"], "employment_type": row["employment_type"],
                "period": row["period"], "currency_id": row["currency"],
                "low": Decimal(low) if low else None, "high": Decimal(high) if high else None,
            }  # fmt: skip
            high_from = blank_to_none(row["high_from"])
            values = {
                "years_max": int(row["years_max"]) if row["years_max"] else None,
                "year": int(row["year"]),
                "label": row["label"],
                "label_ne": row["label_ne"],
                "high_from": Decimal(high_from) if high_from else None,
                "open_ended": row["open_ended"] == "yes",
            }
            seed_key = {"source": key["source"], "seed_key": row["key"]}
            # Found by its seed key; a range loaded before seed keys existed, by its fields.
            fact = (
                PublishedRange.objects.filter(**seed_key).first()
                or PublishedRange.objects.filter(seed_key="", **key).first()
            )
            if fact is None:
                fact = PublishedRange(**key, **values, seed_key=row["key"])
                fact.normalize(table)
                fact.save()
            elif not fact.seed_key:
                fact.seed_key = row["key"]
                fact.save(update_fields=["seed_key"])
            else:
                label = f"range {row['key']}"
                fact = self.keep_or_update(PublishedRange, {"pk": fact.pk}, key | values, label)
                if self.update:
                    fact.normalize(table)
                    fact.save()
            loaded.append(fact.pk)
        # Ranges an editor added citing these sources, or removed from the file, stay: only an
        # editor deletes a range.
        return len(loaded)

    def load_pay_gaps(self) -> int:
        loaded = 0
        for line, row in read_seed("published_gaps.csv"):
            if row["source"] not in SEED_SOURCE_KEYS:
                self.fail("published_gaps.csv", line, f"unknown source {row['source']!r}")
            roles = [
                role_named(name, "published_gaps.csv", line)
                for name in (row["role"], row["compared_to"])
            ]
            if roles[0] == roles[1]:
                continue  # the two roles were merged: a gap between a role and itself is none
            self.keep_or_update(
                PublishedPayGap,
                {
                    "source": Source.objects.get(key=row["source"]),
                    "role": roles[0],
                    "compared_to": roles[1],
                    "country": row["country"],
                },
                {
                    "low_percent": Decimal(row["low_percent"]),
                    "high_percent": Decimal(row["high_percent"]),
                    "year": int(row["year"]),
                    "label": row["label"],
                },
                f"pay gap {row['role']} / {row['compared_to']}",
            )
            loaded += 1
        return loaded
