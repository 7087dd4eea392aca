"""Dump the database (embedded or DATABASE_URL's) to a file, in pg_dump's custom format."""

from django.core.management.base import BaseCommand

from portal.backups import run


class Command(BaseCommand):
    help = "Back the database up into FILE (pg_dump, custom format)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        run("pg_dump", "--format=custom", "--no-owner", f"--file={file}")
        self.stdout.write(f"Backed up to {file}.")
