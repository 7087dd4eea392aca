"""Import job postings from a JSON array of schema.org JobPosting objects.

Every object is checked as the employer's form checks a posting. Unless --skip-invalid,
one bad object stops the import and nothing is saved; each problem is reported with the
object's index in the array (counting from 0). An identifier already imported is left as it
is, so running the same file twice adds nothing. Imported postings wait for a moderator
unless --publish.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DataError, transaction

from jobs.importing import NotAPosting, identifier, read_posting
from jobs.models import JobPosting, PostingEvent


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
            with open(file, encoding="utf-8") as handle:
                items = json.load(handle)
        except (OSError, ValueError) as problem:
            raise CommandError(f"{file}: cannot read it as JSON ({problem})") from None
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
        if problems and not skip_invalid:
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
                PostingEvent.record(posting, PostingEvent.Action.IMPORTED, None)
                if publish:
                    posting.approve(by=None, note="Published on import (import_jobs --publish)")
        waiting = "published" if publish else "waiting for review"
        self.stdout.write(
            f"Postings imported: {len(forms)} ({waiting}); already imported: {known}; "
            f"skipped as invalid: {len(problems)}."
        )
