"""Load the career guides in careers/seed/*.md that the database does not have yet.

Each file is a few `key: value` lines, a line of three dashes, then the Markdown body. A guide
already in the database (matched on its slug, the file's name) is left alone, so edits made
in the admin survive `make run`.
"""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from careers.models import Guide
from salaries.models import Role, Source

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
REQUIRED = {"title", "role", "summary", "published_on"}


def read_guide(path: Path) -> tuple[dict, str]:
    header, separator, body = path.read_text(encoding="utf-8").partition("\n---\n")
    if not separator:
        raise CommandError(f"{path.name}: no '---' line between the header and the body")
    fields = {}
    for number, line in enumerate(header.splitlines(), start=1):
        key, colon, value = line.partition(":")
        if not colon:
            raise CommandError(f"{path.name}, line {number}: expected 'key: value'")
        fields[key.strip()] = value.strip()
    missing = REQUIRED - set(fields)
    if missing:
        raise CommandError(f"{path.name}: missing {', '.join(sorted(missing))}")
    return fields, body.strip() + "\n"


def parse_date(path: Path, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{path.name}: published_on {text!r} is not YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Load the career guides shipped in careers/seed/."

    @transaction.atomic
    def handle(self, *args, **options):
        added = 0
        for path in sorted(SEED_DIR.glob("*.md")):
            if Guide.objects.filter(slug=path.stem).exists():
                continue
            fields, body = read_guide(path)
            guide = Guide(
                slug=path.stem,
                title=fields["title"],
                role=Role.objects.filter(name=fields["role"]).first(),
                country=fields.get("country", ""),
                summary=fields["summary"],
                body=body,
                published=True,
                published_on=parse_date(path, fields["published_on"]),
            )
            try:
                guide.full_clean()
            except ValidationError as error:
                raise CommandError(f"{path.name}: {'; '.join(error.messages)}") from None
            guide.save()
            keys = [key.strip() for key in fields.get("sources", "").split(",") if key.strip()]
            guide.sources.set(Source.objects.filter(key__in=keys))
            added += 1
        self.stdout.write(f"Guides added: {added}.")
