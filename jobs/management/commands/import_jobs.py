"""Import job postings from a JSON array of schema.org JobPosting objects.

Every object is checked as the employer's form checks a posting. Unless --skip-invalid,
one bad object stops the import and nothing is saved; each problem is reported with the
object's index in the array (counting from 0). An identifier already imported is left as it
is, so running the same file twice adds nothing. Imported postings wait for a moderator
unless --publish.
"""

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DataError, transaction

from jobs.importing import NotAPosting, UnreadableFile, identifier, read_json, read_posting
from jobs.models import JobPosting, PostingAction
from portal.moderation import Actor

import_log = logging.getLogger("talab.imports")


class Command(BaseCommand):
    help = "Import job postings from a JSON array of schema.org JobPosting objects."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid postings, skip the rest"
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish at once instead of waiting for review"
        )

    def handle(self, file, skip_invalid, publish, **options):
        try:
            items = read_json(Path(file).read_bytes())
        except OSError as problem:
            raise CommandError(f"{file}: cannot read it ({problem.strerror or problem})") from None
        except UnreadableFile as problem:
            # Said with where in the file; nothing is imported.
            raise CommandError(f"{file}: cannot read it as JSON: {problem}") from None
        if not isinstance(items, list):
            raise CommandError(f"{file}: expected a JSON array of JobPosting objects")
        forms, problems, known = [], [], 0
        seen = set(JobPosting.objects.exclude(identifier="").values_list("identifier", flat=True))
        for index, item in enumerate(items):
            try:
                key = identifier(item) if isinstance(item, dict) else ""
                if key in seen:
                    known += 1
                    continue
                form = read_posting(item)
                valid = form.is_valid()
            except NotAPosting as problem:
                problems.append(f"index {index}: {problem}")
                continue
            except (AttributeError, TypeError, ValueError, DataError) as problem:
                # A shape schema.org allows but we do not read: said, never a traceback.
                problems.append(f"index {index}: unexpected data ({problem})")
                continue
            if not valid:
                reasons = "; ".join(
                    f"{form.fields[name].label if name in form.fields else 'posting'}: "
                    f"{' '.join(errors)}"
                    for name, errors in form.errors.items()
                )
                problems.append(f"index {index}: {reasons}")
                continue
            seen.add(key)
            forms.append((key, form))
        for problem in problems:
            self.stderr.write(problem)
        # Counts only (postings may name an employer's contact). Known identifiers are left as
        # they are: nothing is ever updated. dry_run is always False: the command has none.
        fields = {
            "kind": "jobs",
            "source": Path(file).name,
            "rows_read": len(items),
            "rows_created": len(forms),
            "rows_updated": 0,
            "unchanged": known,
            "rejected": len(problems),
            "published": publish,
            "dry_run": False,
        }
        if problems and not skip_invalid:
            import_log.warning("import refused", extra=fields)
            raise CommandError(
                f"{len(problems)} of {len(items)} postings are invalid; nothing was imported "
                "(fix them, or use --skip-invalid)."
            )
        with transaction.atomic():
            for key, form in forms:
                posting = form.save(commit=False)
                posting.identifier = key
                posting.save()
                form.save_m2m()
                posting.created(PostingAction.IMPORTED, Actor.SYSTEM)
                if publish:
                    posting.approve(by=None, note="Published on import (import_jobs --publish)")
        import_log.info("import", extra=fields)
        waiting = "published" if publish else "waiting for review"
        self.stdout.write(
            f"Postings imported: {len(forms)} ({waiting}); already imported: {known}; "
            f"skipped as invalid: {len(problems)}."
        )
