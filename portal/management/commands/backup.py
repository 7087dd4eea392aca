"""Dump the database (embedded or DATABASE_URL's) to a file, in pg_dump's custom format."""

import logging
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from portal.backups import run

backup_log = logging.getLogger("talab.backups")


class Command(BaseCommand):
    help = "Back the database up into FILE (pg_dump, custom format)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        start = time.monotonic()
        run("pg_dump", "--format=custom", "--no-owner", f"--file={file}")
        # A backup that shrank or slowed down is what an operator looks for.
        backup_log.info(
            "backup",
            extra={
                "file": Path(file).name,
                "bytes": Path(file).stat().st_size,
                "seconds": round(time.monotonic() - start, 2),
            },
        )
        self.stdout.write(f"Backed up to {file}.")
