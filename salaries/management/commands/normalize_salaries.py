"""Recompute every stored figure; the admin does it for the facts a saved rate or factor feeds."""

from django.core.management.base import BaseCommand
from django.db import transaction

from salaries.models import PublishedRange, SalaryObservation, conversion_table

RANGE_FIELDS = [
    "yearly_low", "yearly_high", "usd_low", "usd_high", "ppp_low", "ppp_high",
    "exchange_rate", "ppp_factor",
]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Recompute the stored yearly, USD and PPP figures of every fact from the current "
        "exchange rates and PPP factors. Saving a rate or factor in the admin already does so "
        "for the facts it feeds; run this after changing them elsewhere (the shell, SQL) or "
        "deleting one."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        table = conversion_table()
        ranges = list(PublishedRange.objects.all())
        for published in ranges:
            published.normalize(table)
        PublishedRange.objects.bulk_update(ranges, RANGE_FIELDS)
        observations = SalaryObservation.objects.renormalize(table)
        self.stdout.write(
            f"Recomputed {observations:,} observations and {len(ranges)} published ranges."
        )
