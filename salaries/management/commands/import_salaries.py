import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from salaries.importing import AIJOBS_SOURCE_KEY, READERS, ImportError_, import_file
from salaries.models import Source

import_log = logging.getLogger("talab.imports")


class Command(BaseCommand):
    help = (
        "Import individual salary observations from a CSV file. Every row is checked first; "
        "a bad row is reported with its line number and, unless --skip-invalid is given, "
        "nothing is imported. Re-importing a file adds nothing. See README.md for the formats."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=sorted(READERS), default="generic")
        parser.add_argument(
            "--source",
            help="Key of the Source the rows come from (default for --format aijobs: aijobs)",
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows, skip the bad ones"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="The file is the source's new snapshot: remove the source's rows it no longer "
            "has (rows it restates are updated in place either way)",
        )

    def handle(
        self, *args, path: Path, format: str, source: str | None, skip_invalid, replace, **opts
    ):
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file")
        key = source or (AIJOBS_SOURCE_KEY if format == "aijobs" else None)
        if not key:
            raise CommandError("--source is required for --format generic (a Source key)")
        try:
            source_obj = Source.objects.get(key=key)
        except Source.DoesNotExist:
            raise CommandError(
                f"No source with key {key!r}; run load_reference_data or add it in admin"
            ) from None

        def progress(count):
            self.stderr.write(f"  checked {count:,} rows…")

        try:
            result = import_file(path, format, source_obj, skip_invalid, progress, replace)
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None

        for line, reason in result.errors:
            self.stderr.write(f"line {line}: {reason}")
        # Counts only: the rows are survey answers. dry_run is always False: the command has
        # none (an import happens, or is refused as a whole).
        fields = {
            "kind": "salaries",
            "source": key,
            "file": path.name,
            "rows_read": result.rows_read,
            "rows_created": result.added,
            "rows_updated": result.restated,
            "unchanged": result.already_present - result.restated,
            "removed": result.removed,
            "rejected": len(result.errors),
            "dry_run": False,
        }
        if not result.imported:
            import_log.warning("import refused", extra=fields)
            raise CommandError(
                f"{len(result.errors)} of {result.rows_read:,} rows are invalid; nothing was "
                "imported. Fix them, or pass --skip-invalid to import the valid rows only."
            )
        import_log.info("import", extra=fields)
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.rows_read:,} rows read, {result.added:,} added, "
                f"{result.already_present:,} already present ({result.restated:,} restated and "
                f"updated), {result.removed:,} removed, {len(result.errors):,} skipped "
                f"as invalid. {source_obj.title} now has "
                f"{source_obj.salaryobservation_set.count():,} observations."
            )
        )
