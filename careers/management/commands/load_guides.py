"""Load the career guides shipped in careers/seed/*.md.

Each file is a few `key: value` lines (title, role, summary, published_on; optional country,
author, sources, related), a line of three dashes, then the Markdown body. A guide written in
Nepali too has a companion `<slug>.ne.md`: its title and summary, three dashes, its body (which
may be empty while only the title and summary are translated). A final
`## Questions` section of `### Question?` headings, each followed by its answer, becomes the
guide's questions (FAQ).

A guide is matched on its slug (the file's name). A new one is added, published. One that still
holds the text it was last loaded with is updated to the file's; one an editor has changed in
the admin is left alone (and said so), so edits survive `make run`.
"""

import hashlib
import re
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from careers.models import Guide, GuideQuestion, GuideStatus
from salaries.models import Role, Source

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
REQUIRED = {"title", "role", "summary", "published_on"}
NEPALI = ".ne.md"
QUESTIONS = re.compile(r"^## Questions\s*$", re.M)
# Bodies (SHA-256) shipped before guides remembered what they were loaded with: a guide that
# still holds one of these was never edited, and is updated like any other.
EARLIER_SHIPPED_BODIES = {
    "61e0cc5f249859fc2c214864c0b213a385414e3f3c8c652244421173f26231af",  # nepal, 2026-11-23
    "2987bfd067178c1c4cbaba07d85b7da67974b2f5393d7679fef4037dc000a948",  # india, 2026-11-23
}


def read_guide(path: Path, required=REQUIRED) -> tuple[dict, str]:
    header, separator, body = path.read_text(encoding="utf-8").partition("\n---\n")
    if not separator:
        raise CommandError(f"{path.name}: no '---' line between the header and the body")
    fields = {}
    for number, line in enumerate(header.splitlines(), start=1):
        key, colon, value = line.partition(":")
        if not colon:
            raise CommandError(f"{path.name}, line {number}: expected 'key: value'")
        fields[key.strip()] = value.strip()
    missing = required - set(fields)
    if missing:
        raise CommandError(f"{path.name}: missing {', '.join(sorted(missing))}")
    return fields, body.strip() + "\n"


def split_questions(path: Path, body: str) -> tuple[str, list[tuple[str, str]]]:
    """The body without its `## Questions` section, and the section's (question, answer)."""
    found = QUESTIONS.search(body)
    if not found:
        return body, []
    pairs = []
    for block in re.split(r"^### ", body[found.end() :], flags=re.M)[1:]:
        question, _, answer = block.partition("\n")
        answer = " ".join(answer.split())
        if not answer:
            raise CommandError(f"{path.name}: the question {question.strip()!r} has no answer")
        pairs.append((question.strip(), answer))
    return body[: found.start()].rstrip() + "\n", pairs


def parse_date(path: Path, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{path.name}: published_on {text!r} is not YYYY-MM-DD") from None


def listed(fields: dict, key: str) -> list[str]:
    return [item.strip() for item in fields.get(key, "").split(",") if item.strip()]


def digest_of(guide: Guide, questions) -> str:
    """What a loaded guide holds that an editor may change, as one hash."""
    parts = [guide.title, guide.summary, guide.body, guide.author, str(guide.country)]
    parts += [f"{q}\n{a}" for q, a in questions]
    if guide.title_ne or guide.summary_ne or guide.body_ne:  # (older guides keep their hash)
        parts += [guide.title_ne, guide.summary_ne, guide.body_ne]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def as_shipped(guide: Guide) -> bool:
    """Whether the guide still holds what load_guides last gave it."""
    if not guide.seed_digest:
        return hashlib.sha256(guide.body.encode()).hexdigest() in EARLIER_SHIPPED_BODIES
    held = [(q.question, q.answer) for q in guide.questions.all()]
    return guide.seed_digest == digest_of(guide, held)


class Command(BaseCommand):
    help = "Load the career guides shipped in careers/seed/ (keeping editors' changes)."

    @transaction.atomic
    def handle(self, *args, **options):
        added, updated, related = 0, 0, {}
        for path in sorted(SEED_DIR.glob("*.md")):
            if path.name.endswith(NEPALI):
                continue  # read with its English guide
            fields, text = read_guide(path)
            body, questions = split_questions(path, text)
            guide = Guide.objects.filter(slug=path.stem).first()
            if guide is not None and not as_shipped(guide):
                self.stdout.write(f"{path.stem}: changed by an editor, left as it is.")
                continue
            new = guide is None
            guide = guide or Guide(slug=path.stem, status=GuideStatus.PUBLISHED)
            guide.title, guide.summary, guide.body = fields["title"], fields["summary"], body
            nepali = path.with_name(path.stem + NEPALI)
            if nepali.exists():
                fields_ne, body_ne = read_guide(nepali, required={"title", "summary"})
                guide.title_ne, guide.summary_ne = fields_ne["title"], fields_ne["summary"]
                guide.body_ne = body_ne
            guide.role = Role.objects.filter(name=fields["role"]).first()
            guide.country = fields.get("country", "")
            guide.author = fields.get("author", "Talab editors")
            guide.published_on = guide.published_on or parse_date(path, fields["published_on"])
            guide.seed_digest = digest_of(guide, questions)
            try:
                guide.full_clean(exclude=["search_vector"])
            except ValidationError as error:
                raise CommandError(f"{path.name}: {'; '.join(error.messages)}") from None
            guide.save()
            guide.questions.all().delete()
            GuideQuestion.objects.bulk_create(
                GuideQuestion(guide=guide, question=q, answer=a, order=n)
                for n, (q, a) in enumerate(questions)
            )
            guide.sources.set(Source.objects.filter(key__in=listed(fields, "sources")))
            related[guide] = listed(fields, "related")
            added, updated = added + new, updated + (not new)
        for guide, slugs in related.items():
            guide.related.set(Guide.objects.filter(slug__in=slugs))
        self.stdout.write(f"Guides added: {added}; updated from their files: {updated}.")
