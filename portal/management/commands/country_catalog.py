"""Writes country names in Nepali (CLDR's, from Babel) as a catalog for django-countries'
English names, which it has no Nepali translation of: `make messages` runs it.

The catalog lives apart from the project's own (locale_countries/, in LOCALE_PATHS) so that
makemessages, which would mark names it does not find in our sources obsolete, never
touches it.
"""

from pathlib import Path

import polib  # type: ignore[import-untyped]
from babel import Locale
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django_countries.data import COUNTRIES

CATALOG = Path(settings.BASE_DIR) / "locale_countries"


class Command(BaseCommand):
    help = "Write locale_countries/<lang>/LC_MESSAGES/django.po from CLDR's country names."

    def add_arguments(self, parser):
        parser.add_argument("-l", "--locale", default="ne")

    def handle(self, locale, **options):
        names = Locale(locale).territories
        catalog = polib.POFile()
        catalog.metadata = {
            "Project-Id-Version": "Talab country names",
            "Language": locale,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
        }
        with translation.override(None):  # the English names django-countries marks
            english = {code: str(name) for code, name in COUNTRIES.items()}
        for code, name in sorted(english.items(), key=lambda item: item[1]):
            if code in names:
                catalog.append(polib.POEntry(msgid=name, msgstr=names[code], tcomment=code))
        path = CATALOG / locale / "LC_MESSAGES" / "django.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog.save(str(path))
        self.stdout.write(f"{len(catalog)} country names in {path.relative_to(settings.BASE_DIR)}")
