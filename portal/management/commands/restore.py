"""Restore a backup made by `manage.py backup` into the database, replacing what is there."""

from django.conf import settings
from django.core.management.base import BaseCommand

from portal import versions
from portal.backups import run


class Command(BaseCommand):
    help = "Restore FILE (from manage.py backup) into the database, replacing its contents."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        database = f"--dbname={settings.DATABASES['default']['NAME']}"
        run("pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", database, file)
        versions.move(versions.REFERENCE)  # a cache outside the database (Redis) forgets too
        self.stdout.write(f"Restored {file}.")
