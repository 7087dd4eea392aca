"""Restore a backup made by `manage.py backup` into the database, replacing what is there."""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal import versions
from portal.backups import run

backup_log = logging.getLogger("talab.backups")


class Command(BaseCommand):
    help = "Restore FILE (from manage.py backup) into the database, replacing its contents."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        start = time.monotonic()
        database = f"--dbname={settings.DATABASES['default']['NAME']}"
        run("pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", database, file)
        versions.move(versions.REFERENCE)  # a cache outside the database (Redis) forgets too
        # Which file replaced the data, and when: the first question after a restore.
        backup_log.info(
            "restore",
            extra={
                "file": Path(file).name,
                "bytes": Path(file).stat().st_size,
                "seconds": round(time.monotonic() - start, 2),
            },
        )
        self.stdout.write(f"Restored {file}.")
