"""Guides' search text leaves out the sentences markers fill with figures (search snippets
quoted them with the figure missing): computed again for the guides already saved."""

from django.db import migrations


def recompute_search_text(apps, schema_editor):
    from careers.markers import searchable

    Guide = apps.get_model("careers", "Guide")
    for guide in Guide.objects.only("pk", "body"):
        guide.search_text = searchable(guide.body)
        guide.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("careers", "0002_guide_status_author_faq_related_search")]

    operations = [migrations.RunPython(recompute_search_text, migrations.RunPython.noop)]
