"""What people type for a role, a level and a place, read as ours: "senior ml engineer usa"
is the senior level of Machine Learning Engineer in the United States.

Site search and the home page's find box read names the same way, so they live here, beside
the roles and cities they name. Names are few (a few hundred roles, 250 countries in English
and Nepali, the cities we know), so they are matched in Python with rapidfuzz.
"""

import unicodedata
from dataclasses import dataclass, field

from babel import Locale
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django_countries import countries
from rapidfuzz import fuzz, process

from salaries import figures
from salaries.models import City, Level, Role
from salaries.remembered import COUNTS, COUNTS_SECONDS, remembered

MAX_QUERY = 200
MAX_WORDS = 12
# Shorthand people type for role words.
ABBREVIATIONS = {
    "ml": "machine learning", "mle": "machine learning engineer", "ds": "data scientist",
    "cv": "computer vision", "nlp": "natural language processing", "genai": "ai",
    "llm": "ai", "bi": "business intelligence", "swe": "software engineer",
    "sde": "software engineer",
}  # fmt: skip
# Places people name by another word; cities we know are read as their country too.
COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "america": "US", "uk": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "uae": "AE", "dubai": "AE", "emirates": "AE",
    "ktm": "NP", "bangalore": "IN", "bombay": "IN", "nyc": "US", "holland": "NL",
}  # fmt: skip
LEVEL_WORDS = {
    "junior": Level.ENTRY, "jr": Level.ENTRY, "entry": Level.ENTRY, "graduate": Level.ENTRY,
    "intern": Level.ENTRY, "internship": Level.ENTRY, "fresher": Level.ENTRY,
    "trainee": Level.ENTRY, "mid": Level.MID, "intermediate": Level.MID,
    "senior": Level.SENIOR, "sr": Level.SENIOR, "lead": Level.LEAD, "principal": Level.LEAD,
    "staff": Level.LEAD, "executive": Level.EXECUTIVE, "director": Level.EXECUTIVE,
    "head": Level.EXECUTIVE, "vp": Level.EXECUTIVE, "chief": Level.EXECUTIVE,
}  # fmt: skip
# How a level reads before a role: "Entry-level Data Analyst".
LEVEL_ADJECTIVES = {
    Level.ENTRY: gettext_lazy("Entry-level"), Level.MID: gettext_lazy("Mid-level"),
    Level.SENIOR: gettext_lazy("Senior"), Level.LEAD: gettext_lazy("Lead"),
    Level.EXECUTIVE: gettext_lazy("Executive"),
}  # fmt: skip
# Words that say what kind of page is wanted, not which role.
NOISE = {
    "salary", "salaries", "pay", "paid", "wage", "wages", "income", "earn", "earnings", "in",
    "of", "for", "the", "a", "an", "and", "how", "to", "become", "guide", "vs", "versus",
    "what", "much", "does", "do", "is", "per", "month", "year", "hour", "level", "at",
}  # fmt: skip
WORD_TYPO_SCORE = 80  # a word this close to a known one is read as it ("lerning": learning)
COUNTRY_TYPO_SCORE = 85
# rapidfuzz, not PostgreSQL 18's pg_trgm: on 57 real queries (README) trigram similarity ranked
# worse. A typo leaves a short word few trigrams ("inda": india 0.375), so the cutoff must be so
# low that "guide" reads as Guinea (0.30); "statistition" is nearer "statistical" than
# "statistician"; and a database whose LC_CTYPE is C gives Nepali words no trigrams at all.


def cleaned(query: str) -> str:
    """The query as words: control characters (NUL among them) gone, one space between, cut."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in query)
    return " ".join(text.split())[:MAX_QUERY]


def words_of(text: str) -> list[str]:
    """Letters, marks and digits in runs: "नेपाल" is one word (its vowel signs are marks)."""
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text.lower())
    return kept.split()[:MAX_WORDS]


def place_names() -> dict[str, str]:
    """{name in lower case: country code}: English and Nepali (Babel's CLDR) country names,
    common aliases, and the cities we know (a country's own name wins over a city's)."""

    def compute():
        nepali = Locale("ne").territories
        names = {name.lower(): code for name, code in City.objects.values_list("name", "country")}
        names.update(COUNTRY_ALIASES)
        with translation.override("en"):  # English names on Nepali pages too
            names.update({name.lower(): code for code, name in countries})
        names.update({nepali[code].lower(): code for code, _ in countries if code in nepali})
        return names

    return remembered("names:places", compute)


def known_roles() -> list[figures.Choice]:
    """Every role by its English title (what people type, on Nepali pages too), with how
    many people its figures rest on (the most reported lead)."""

    def compute():
        with_figures = {choice.key: choice for choice in figures.filter_choices()["role"]}
        return [
            figures.Choice(slug, name, found.note, found.people)
            if (found := with_figures.get(slug))
            else figures.Choice(slug, name, gettext("no figures yet"))
            for slug, name in Role.objects.listed().values_list("slug", "name")
        ]

    return remembered("names:roles", compute, COUNTS, COUNTS_SECONDS)


def role_words() -> set[str]:
    """Every word of every role name ("machine", "learning", "engineer"...)."""
    return {word for choice in known_roles() for word in words_of(choice.name)}


@dataclass
class NameMatch:
    role: figures.Choice | None = None
    country: str = ""
    level: str = ""
    other_roles: list = field(default_factory=list)
    place: str = ""  # the place as typed ("dubai")
    typed: list[str] = field(default_factory=list)  # the words left once place and level are read
    words: list[str] = field(default_factory=list)  # those words, spelled as we know them

    @property
    def level_label(self) -> str:
        return str(LEVEL_ADJECTIVES.get(self.level, ""))


def find_country(words: list[str]) -> tuple[str, str, list[str]]:
    """A place named in the words (up to four words long, e.g. "संयुक्त अरब इमिराट्स"): its
    country, the place as typed, and the words left."""
    names = place_names()
    known_words = role_words() | NOISE | set(LEVEL_WORDS)
    for size in range(min(4, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            code = names.get(phrase) if phrase not in known_words else None
            if code is None and size == 1 and len(phrase) >= 4 and phrase not in known_words:
                found = process.extractOne(
                    phrase, list(names), scorer=fuzz.ratio, score_cutoff=COUNTRY_TYPO_SCORE
                )
                code = names[found[0]] if found else None
            if code:
                return code, phrase, words[:start] + words[start + size :]
    return "", "", words


def find_level(words: list[str]) -> tuple[str, list[str]]:
    """A level word ("senior", "jr", "principal") that is not part of a role's name, and the
    words left."""
    vocabulary = role_words()
    for index, word in enumerate(words):
        if word in LEVEL_WORDS and word not in vocabulary:
            return LEVEL_WORDS[word], words[:index] + words[index + 1 :]
    return "", words


def find_role(words: list[str]) -> tuple[figures.Choice | None, list, list[str]]:
    """The role the words name (a title we know it by, such as "CV Engineer"; else the most
    reported among those whose name holds them all, an exact name first), other candidates,
    and the words as we spell them."""
    roles = known_roles()
    titled = Role.objects.listed().named(" ".join(words))
    if titled is not None:
        by_slug = {choice.key: choice for choice in roles}
        return by_slug[titled.slug], [], words_of(titled.name)
    vocabulary = role_words()
    spelled = []
    for word in words:
        for part in ABBREVIATIONS.get(word, word).split():
            if part not in vocabulary and part not in NOISE and len(part) >= 4:
                found = process.extractOne(
                    part, vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_TYPO_SCORE
                )
                part = found[0] if found else part
            spelled.append(part)
    wanted = {w for w in spelled if w not in NOISE}
    if not wanted:
        return None, [], spelled
    candidates = [c for c in roles if wanted <= set(words_of(c.name))]
    candidates.sort(key=lambda c: (set(words_of(c.name)) != wanted, -c.people, c.name))
    return (candidates[0] if candidates else None), candidates[1:6], spelled


def match_names(query: str, ignored: frozenset[str] = frozenset()) -> NameMatch:
    """The role, level and place the query names; `ignored` words (site search's "jobs") are
    no part of any name."""
    words = [word for word in words_of(query) if word not in ignored]
    country, place, rest = find_country(words)
    level, rest = find_level(rest)
    role, others, spelled = find_role(rest)
    return NameMatch(
        role=role,
        country=country,
        level=level,
        other_roles=others,
        place=place,
        typed=rest,
        words=spelled,
    )
