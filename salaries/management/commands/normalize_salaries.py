from django.core.management.base import BaseCommand
from django.db import transaction

from salaries.models import PublishedRange, SalaryObservation, conversion_table

NORMALIZED = {
    SalaryObservation: ["yearly_amount", "usd_yearly", "ppp_yearly"],
    PublishedRange: [
        "yearly_low", "yearly_high", "usd_low", "usd_high", "ppp_low", "ppp_high",
    ],
}  # fmt: skip
BATCH = 5000


class Command(BaseCommand):
    help = (
        "Recompute the stored yearly, USD and PPP figures of every fact from the current "
        "exchange rates and PPP factors. Run it after editing rates or factors in the admin."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        table = conversion_table()
        for model, fields in NORMALIZED.items():
            fields = [*fields, "exchange_rate", "ppp_factor"]
            batch, total = [], 0
            for fact in model.objects.order_by("pk").iterator(chunk_size=BATCH):
                fact.normalize(table)
                batch.append(fact)
                if len(batch) == BATCH:
                    model.objects.bulk_update(batch, fields)
                    total += len(batch)
                    batch = []
            model.objects.bulk_update(batch, fields)
            total += len(batch)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {total:,} recomputed")
