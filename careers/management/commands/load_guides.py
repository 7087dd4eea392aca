"""Load the career guides in careers/seed/*.md (idempotent: matched on their slug).

Each file is a few `key: value` lines, a line of three dashes, then the Markdown body.
"""

from datetime import date
from pathlib import Path

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


class Command(BaseCommand):
    help = "Load the career guides shipped in careers/seed/."

    @transaction.atomic
    def handle(self, *args, **options):
        paths = sorted(SEED_DIR.glob("*.md"))
        for path in paths:
            fields, body = read_guide(path)
            try:
                role = Role.objects.get(name=fields["role"])
            except Role.DoesNotExist:
                raise CommandError(f"{path.name}: no role named {fields['role']!r}") from None
            guide, _ = Guide.objects.update_or_create(
                slug=path.stem,
                defaults={
                    "title": fields["title"],
                    "role": role,
                    "country": fields.get("country", ""),
                    "summary": fields["summary"],
                    "body": body,
                    "published": True,
                    "published_on": date.fromisoformat(fields["published_on"]),
                },
            )
            keys = [key.strip() for key in fields.get("sources", "").split(",") if key.strip()]
            guide.sources.set(Source.objects.filter(key__in=keys))
        self.stdout.write(f"Guides loaded: {len(paths)}.")
