"""Roles get a title in Nepali, filled for the roles already there from the seed file, so
that load_reference_data, which keeps a row that differs from the file as edited, does not
read the new empty column as an editor's choice."""

import csv
from pathlib import Path

from django.db import migrations, models

SEED = Path(__file__).resolve().parent.parent / "seed" / "roles.csv"


def fill_nepali_titles(apps, schema_editor):
    Role = apps.get_model("salaries", "Role")
    with SEED.open(encoding="utf-8") as seed:
        titles = {row["slug"]: row.get("name_ne", "") for row in csv.DictReader(seed)}
    for role in Role.objects.filter(slug__in=titles, name_ne=""):
        role.name_ne = titles[role.slug]
        role.save(update_fields=["name_ne"])


class Migration(migrations.Migration):
    dependencies = [("salaries", "0007_published_range_high_from")]

    operations = [
        migrations.AddField(
            model_name="role",
            name="name_ne",
            field=models.CharField(
                blank=True,
                help_text="Shown on the Nepali pages; empty: the English title is shown there "
                "too",
                max_length=120,
                verbose_name="job title in Nepali",
            ),
        ),
        migrations.RunPython(fill_nepali_titles, migrations.RunPython.noop),
    ]
