"""Import job postings from a JSON array of schema.org JobPosting objects.

Every object is checked as the employer's form checks a posting. Unless --skip-invalid,
one bad object stops the import and nothing is saved; each problem is reported with the
object's index in the array (counting from 0). A posting whose closing date has passed is
skipped with a line saying so. An identifier already imported is the same posting: changed in
place if the feed changed it (its status kept), so running the same file twice adds nothing.
Imported postings wait for a moderator unless --publish.
"""

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DataError, transaction

from jobs.importing import (
    Closed,
    NotAPosting,
    UnreadableFile,
    identifier,
    read_json,
    read_posting,
)
from jobs.models import JobPosting, PostingAction, PostingEvent
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
        forms, problems, closed, unchanged, seen = [], [], [], 0, set()
        for index, item in enumerate(items):
            try:
                issuer, key = identifier(item) if isinstance(item, dict) else ("", "")
                earlier = JobPosting.objects.filter(identifier=key).first() if key else None
                if key in seen or earlier and not (earlier.editable or earlier.is_open):
                    unchanged += 1  # listed twice, or closed here: left as it is
                    continue
                form = read_posting(item, earlier)
                valid = form.is_valid()
            except Closed as reason:
                closed.append(f"index {index}: {reason}")
                continue
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
            if earlier and not form.has_changed():
                unchanged += 1
                continue
            forms.append((issuer, key, form))
        for line in closed:
            self.stdout.write(line)
        for problem in problems:
            self.stderr.write(problem)
        updated = sum(1 for _, _, form in forms if form.instance.pk)
        # Counts only (postings may name an employer's contact). dry_run is always False: the
        # command has none.
        fields = {
            "kind": "jobs",
            "source": Path(file).name,
            "rows_read": len(items),
            "rows_created": len(forms) - updated,
            "rows_updated": updated,
            "unchanged": unchanged,
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
            for issuer, key, form in forms:
                if form.instance.pk:  # imported before: changed in place, its status kept
                    posting = form.save()
                    # No moderator saw the change: the audit trail says what it was.
                    changed = ", ".join(str(form.fields[name].label) for name in form.changed_data)
                    PostingEvent.record(
                        posting, PostingAction.UPDATED, None, note=f"Changed: {changed}"
                    )
                    continue
                posting = form.save(commit=False)
                posting.identifier, posting.identifier_name = key, issuer
                posting.save()
                form.save_m2m()
                posting.created(PostingAction.IMPORTED, Actor.SYSTEM)
                if publish:
                    posting.approve(by=None, note="Published on import (import_jobs --publish)")
        import_log.info("import", extra=fields)
        waiting = "published" if publish else "waiting for review"
        self.stdout.write(
            f"Postings imported: {len(forms) - updated} ({waiting}); updated: {updated}; "
            f"unchanged: {unchanged}; closed, skipped: {len(closed)}; "
            f"skipped as invalid: {len(problems)}."
        )
