"""Reading schema.org JobPosting objects (what employers' systems export) as postings.

Each object becomes the data of the employer's form and passes the same checks: a genuine
range, a role from our list, a way to apply. What schema.org has no field for is read from
what it does have: the level from the title or the months of experience asked for.
"""

import json
import re
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django_countries import countries

from jobs.forms import JobPostingForm
from jobs.models import (
    DEFAULT_DAYS_OPEN,
    MAX_DAYS_OPEN,
    MONTHS_OF_EXPERIENCE,
    JobPosting,
    Workplace,
)
from salaries.models import City, EmploymentType, Level, Role

EMPLOYMENT_TYPES = {
    "FULL_TIME": EmploymentType.FULL_TIME,
    "PART_TIME": EmploymentType.PART_TIME,
    "CONTRACTOR": EmploymentType.CONTRACT,
    "TEMPORARY": EmploymentType.CONTRACT,
}
PERIODS = {"HOUR": "hour", "MONTH": "month", "YEAR": "year"}
# Words in a title that say the level, and the title without them names the role.
LEVEL_WORDS = {
    "junior": Level.ENTRY, "graduate": Level.ENTRY, "entry-level": Level.ENTRY,
    "intern": Level.ENTRY, "mid-level": Level.MID, "senior": Level.SENIOR, "sr": Level.SENIOR,
    "lead": Level.LEAD, "principal": Level.LEAD, "staff": Level.LEAD, "head": Level.EXECUTIVE,
    "director": Level.EXECUTIVE,
}  # fmt: skip


# A JobPosting array nests a handful of levels (array, posting, baseSalary, value); a file
# nested past what Python's parser can follow is reported from where it passes this depth.
MAX_NESTING = 100
# A JSON string (skipped: brackets in it are text) or a bracket.
JSON_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class NotAPosting(ValueError):
    """Why an object cannot be read as a posting (said to the person importing)."""


class Closed(Exception):
    """A posting the feed still lists though its closing date has passed: nothing to import,
    and no fault of the feed's."""


class UnreadableFile(ValueError):
    """Why a file cannot be read as JSON, and where in it (said to the person importing)."""


def position(content: str, offset: int) -> str:
    """Line and column (counting from 1) of a character offset in a text."""
    line = content.count("\n", 0, offset) + 1
    column = offset - content.rfind("\n", 0, offset)
    return f"line {line}, column {column}"


def read_json(data: bytes):
    """The value in a JSON file's bytes (UTF-8, with or without a byte order mark), or
    UnreadableFile with what is wrong and where: never a traceback, whatever the bytes."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        before = data[: problem.start].decode("utf-8-sig")
        raise UnreadableFile(
            f"not UTF-8 at {position(before, len(before))} (byte {problem.start}): {problem.reason}"
        ) from None
    try:
        return json.loads(content)
    except json.JSONDecodeError as problem:
        where = f"line {problem.lineno}, column {problem.colno}"
        raise UnreadableFile(f"{problem.msg} at {where}") from None
    except RecursionError:
        raise UnreadableFile(too_deep(content)) from None
    except ValueError as problem:  # a number of more than 4,300 digits: no position given
        raise UnreadableFile(f"a value it cannot read ({str(problem).split(';')[0]})") from None


def too_deep(content: str) -> str:
    """Where a JSON text nests deeper than MAX_NESTING (said when the parser gave up)."""
    depth = 0
    for found in JSON_BRACKET.finditer(content):
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(found.group(), 0)
        if depth > MAX_NESTING:
            return (
                f"arrays and objects nested more than {MAX_NESTING} deep, from "
                f"{position(content, found.start())}; a JobPosting needs a handful of levels"
            )
    return "arrays and objects nested too deeply to read"


def text(value) -> str:
    """schema.org allows a thing or its name: {"name": "Acme"} and "Acme" read the same."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("value") or ""
    if isinstance(value, list | dict):
        raise NotAPosting(f"expected a text, found {value!r:.60}")
    value = str(value or "").strip()
    if "\x00" in value:
        raise NotAPosting("a text holds a NUL character")
    return value


def thing(value) -> dict:
    """A nested object, or an empty one where the data gives a plain text instead."""
    return value if isinstance(value, dict) else {}


def country_code(value) -> str:
    name = text(value)
    if name.upper() in countries:
        return name.upper()
    code = countries.by_name(name)
    if not code:
        raise NotAPosting(f"unknown country {name!r}")
    return code


def level_and_role(item) -> tuple[str, object]:
    title = text(item.get("title"))
    words = re.findall(r"[\w-]+", title.lower())
    level = next((LEVEL_WORDS[w] for w in words if w in LEVEL_WORDS), "")
    role_title = " ".join(w for w in title.split() if w.lower().strip(".,") not in LEVEL_WORDS)
    named = Role.objects.named
    role = named(text(item.get("occupationalCategory"))) or named(role_title)
    if not role:
        raise NotAPosting(f"no role in our list matches the title {title!r}")
    months = thing(item.get("experienceRequirements")).get("monthsOfExperience")
    if not level and isinstance(months, int | float):
        mid, senior = MONTHS_OF_EXPERIENCE[Level.MID], MONTHS_OF_EXPERIENCE[Level.SENIOR]
        level = Level.ENTRY if months < mid else Level.MID if months < senior else Level.SENIOR
    # Neither: the level is not stated, and the job is compared with every level.
    return level, role


def place(item) -> dict:
    remote = item.get("jobLocationType") == "TELECOMMUTE"
    allowed = item.get("applicantLocationRequirements") or []
    allowed = [country_code(c) for c in (allowed if isinstance(allowed, list) else [allowed])]
    location = item.get("jobLocation") or {}
    location = location[0] if isinstance(location, list) and location else location
    address = thing(thing(location).get("address"))
    if address.get("addressCountry"):
        country = country_code(address["addressCountry"])
    elif remote and allowed:
        country = allowed[0]
    else:
        raise NotAPosting("no country: give jobLocation.address.addressCountry")
    city = City.objects.filter(country=country, name__iexact=text(address.get("addressLocality")))
    return {
        "country": country,
        "city": getattr(city.first(), "pk", ""),
        "workplace": Workplace.REMOTE if remote else Workplace.ON_SITE,
        "remote_countries": allowed if remote else [],
    }


def pay(item) -> dict:
    salary = item.get("baseSalary")
    if not isinstance(salary, dict):
        raise NotAPosting("no baseSalary: every posting states its pay range")
    value = salary.get("value")
    if (
        not isinstance(value, dict)
        or value.get("minValue") is None
        or value.get("maxValue") is None
    ):
        raise NotAPosting(
            "baseSalary needs value.minValue and value.maxValue: a range, not one end"
        )
    unit = str(value.get("unitText", "")).upper()
    if unit not in PERIODS:
        raise NotAPosting(f"baseSalary unitText {unit or 'missing'!r}: use HOUR, MONTH or YEAR")
    return {
        "currency": text(salary.get("currency")).upper(),
        "pay_min": value["minValue"],
        "pay_max": value["maxValue"],
        "pay_period": PERIODS[unit],
    }


def closing_day(item, instance: JobPosting | None) -> date:
    """validThrough; if the feed gives none, the day chosen when it was first imported (so
    that a second import of the same feed changes nothing), else 60 days from today."""
    found = text(item.get("validThrough"))[:10]
    if not found:
        today = timezone.localdate()
        return instance.valid_through if instance else today + timedelta(DEFAULT_DAYS_OPEN)
    try:
        day = date.fromisoformat(found)
    except ValueError:
        raise NotAPosting(f"validThrough {found!r} is not a date") from None
    if day <= timezone.localdate():
        raise Closed(f"closing date {day.isoformat()} has passed or is today, skipped")
    return day


def identifier(item) -> tuple[str, str]:
    """(issuer, key): the employer's own reference, keyed "issuer:value" for a PropertyValue,
    since two employers' systems may both number a posting 123."""
    found = item.get("identifier")
    issuer = ""
    if isinstance(found, dict):
        issuer, found = text(found.get("name"))[:100], text(found.get("value"))
    found = text(found)
    if not found:
        raise NotAPosting("no identifier: it is how a second import knows the posting")
    return issuer, (f"{issuer}:{found}" if issuer else found)[:200]


class FeedPostingForm(JobPostingForm):
    """The employer's form, but a feed may leave the level unsaid: schema.org has no field for
    it, and an employer's system may not put it in the title."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].required = False

    def clean_valid_through(self):
        """A published posting, changed by a later import, still closes within its days."""
        day, posted = super().clean_valid_through(), self.instance.date_posted
        if posted and day > posted + timedelta(MAX_DAYS_OPEN):
            raise forms.ValidationError(
                f"A posting stays open at most {MAX_DAYS_OPEN} days; this one was published "
                f"on {posted:%d %B %Y}."
            )
        return day


def read_posting(item, instance: JobPosting | None = None) -> JobPostingForm:
    """The employer's form, filled in from one JobPosting object (over the posting it imported
    before, if any); NotAPosting when it cannot be."""
    if not isinstance(item, dict) or item.get("@type", "JobPosting") != "JobPosting":
        raise NotAPosting("not a schema.org JobPosting object")
    kinds = item.get("employmentType") or "FULL_TIME"
    kind = text(kinds[0] if isinstance(kinds, list) and kinds else kinds)
    if kind not in EMPLOYMENT_TYPES:
        raise NotAPosting(f"employmentType {kind!r} is not one we list")
    closing = closing_day(item, instance)  # first: a closed posting's faults do not matter
    level, role = level_and_role(item)
    contact = thing(item.get("applicationContact"))
    organization = text(item.get("hiringOrganization"))
    data = {
        "title": text(item.get("title")),
        "description": str(item.get("description") or ""),
        "company_name": organization,
        "confidential": "" if organization else "on",
        "role": role.slug,
        "level": level,
        "employment_type": EMPLOYMENT_TYPES[kind],
        **place(item),
        **pay(item),
        "apply_url": text(item.get("url")) or text(contact.get("url")),
        "apply_email": text(contact.get("email")),
        "valid_through": closing.isoformat(),
    }
    return FeedPostingForm(data, instance=instance)
