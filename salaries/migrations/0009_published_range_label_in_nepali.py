"""Published ranges get a label in Nepali, filled for the ranges loaded from the seed file
(by their seed key), so that load_reference_data does not read the new empty column as an
editor's change."""

import csv
from pathlib import Path

from django.db import migrations, models

SEED = Path(__file__).resolve().parent.parent / "seed" / "published_ranges.csv"


def fill_nepali_labels(apps, schema_editor):
    PublishedRange = apps.get_model("salaries", "PublishedRange")
    with SEED.open(encoding="utf-8") as seed:
        labels = {row["key"]: row.get("label_ne", "") for row in csv.DictReader(seed)}
    for fact in PublishedRange.objects.filter(seed_key__in=labels, label_ne=""):
        fact.label_ne = labels[fact.seed_key]
        fact.save(update_fields=["label_ne"])


class Migration(migrations.Migration):
    dependencies = [("salaries", "0008_role_name_in_nepali")]

    operations = [
        migrations.AddField(
            model_name="publishedrange",
            name="label_ne",
            field=models.CharField(
                blank=True,
                help_text="Shown on the Nepali pages; empty: the English label is shown there too",
                max_length=120,
                verbose_name="label in Nepali",
            ),
        ),
        migrations.RunPython(fill_nepali_labels, migrations.RunPython.noop),
    ]
