"""Site search: roles and countries by name (typos forgiven), guides and job postings by
PostgreSQL full-text search.

Names are few (a few hundred roles, 250 countries in English and Nepali), so they are matched
in Python with rapidfuzz. A role and a country found in the query lead the results with their
salary page; guides and postings follow, ranked.
"""

import unicodedata
from dataclasses import dataclass, field

from babel import Locale
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_countries import countries
from rapidfuzz import fuzz, process

from careers.models import Guide
from jobs.models import JobPosting
from salaries import figures
from salaries.models import Role
from salaries.money import Display, display_unit
from salaries.remembered import COUNTS, COUNTS_SECONDS, remembered

MAX_QUERY = 200
MAX_WORDS = 12
# Shorthand people type for role words.
ABBREVIATIONS = {
    "ml": "machine learning", "mle": "machine learning engineer", "ds": "data scientist",
    "cv": "computer vision",
}  # fmt: skip
COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "america": "US", "uk": "GB", "britain": "GB", "england": "GB",
    "uae": "AE", "dubai": "AE", "emirates": "AE",
}  # fmt: skip
# Words that say what kind of page is wanted, not which role.
NOISE = {
    "salary", "salaries", "pay", "paid", "wage", "wages", "income", "earn", "earnings", "in",
    "of", "for", "the", "a", "an", "and", "how", "to", "become", "guide", "jobs", "job", "vs",
    "versus", "what", "much", "does", "do", "is", "per", "month", "year", "hour",
}  # fmt: skip
WORD_TYPO_SCORE = 80  # a word this close to a known one is read as it ("lerning": learning)
COUNTRY_TYPO_SCORE = 85
# rapidfuzz, not PostgreSQL 18's pg_trgm: on 57 real queries (README) trigram similarity ranked
# worse. A typo leaves a short word few trigrams ("inda": india 0.375), so the cutoff must be so
# low that "guide" reads as Guinea (0.30); "statistition" is nearer "statistical" than
# "statistician"; and a database whose LC_CTYPE is C gives Nepali words no trigrams at all.
# Headlines are marked with characters no text holds, then escaped, then made <mark>s.
START, STOP = "\ue000", "\ue001"


def cleaned(query: str) -> str:
    """The query as words: control characters (NUL among them) gone, one space between, cut."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in query)
    return " ".join(text.split())[:MAX_QUERY]


def words_of(text: str) -> list[str]:
    """Letters, marks and digits in runs: "नेपाल" is one word (its vowel signs are marks)."""
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text.lower())
    return kept.split()[:MAX_WORDS]


def country_names() -> dict[str, str]:
    """{name in lower case: code}: English names, Nepali names (Babel's CLDR), common aliases."""

    def compute():
        nepali = Locale("ne").territories
        names = {name.lower(): code for code, name in countries}
        names.update({nepali[code].lower(): code for code, _ in countries if code in nepali})
        return {**names, **{alias: code for alias, code in COUNTRY_ALIASES.items()}}

    return remembered("search:country-names", compute)


def known_roles() -> list[figures.Choice]:
    """Every role, with how many people its figures rest on (the most reported lead)."""

    def compute():
        with_figures = {choice.key: choice for choice in figures.filter_choices()["role"]}
        return [
            with_figures.get(slug) or figures.Choice(slug, name, "no figures yet")
            for slug, name in Role.objects.listed().values_list("slug", "name")
        ]

    return remembered("search:roles", compute, COUNTS, COUNTS_SECONDS)


def role_words() -> list[str]:
    """Every word of every role name ("machine", "learning", "engineer"...)."""
    return sorted({word for choice in known_roles() for word in words_of(choice.name)})


@dataclass
class NameMatch:
    role: object = None  # a figures.Choice
    country: str = ""
    other_roles: list = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the query's words, spelled as we know them


def find_country(words: list[str]) -> tuple[str, list[str]]:
    """A country named in the words (up to four words long, e.g. "संयुक्त अरब इमिराट्स"), and
    the words left."""
    names = country_names()
    for size in range(min(4, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            code = names.get(phrase)
            if code is None and size == 1 and len(phrase) >= 4 and phrase not in role_words():
                found = process.extractOne(
                    phrase, list(names), scorer=fuzz.ratio, score_cutoff=COUNTRY_TYPO_SCORE
                )
                code = names[found[0]] if found else None
            if code:
                return code, words[:start] + words[start + size :]
    return "", words


def find_role(words: list[str]) -> tuple[object, list, list[str]]:
    """The role the words name (the most reported among those whose name holds them all, an
    exact name first), other candidates, and the words as we spell them."""
    roles = known_roles()
    vocabulary = role_words()
    spelled = []
    for word in words:
        for part in ABBREVIATIONS.get(word, word).split():
            if part not in vocabulary and len(part) >= 4:
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


def match_names(query: str) -> NameMatch:
    country, rest = find_country(words_of(query))
    role, others, spelled = find_role(rest)
    return NameMatch(role, country, others, spelled)


@dataclass
class Result:
    title: str
    url: str
    kind: str  # "Salaries", "Guide", "Job", "Role"
    snippet: str = ""


def highlighted(text: str) -> str:
    """A headline from PostgreSQL, escaped, its matches in <mark>."""
    safe = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308 (escaped above; only our marks are HTML)


def text_query(match: NameMatch, query: str) -> SearchQuery | None:
    """Any of the query's words, and the names it matched: more words found, higher rank."""
    terms = set(match.words) | set(words_of(query))
    if match.country:
        terms |= set(words_of(dict(countries)[match.country]))
    if match.role:
        terms |= set(words_of(match.role.name))
    terms = sorted(t for t in terms if t not in NOISE)
    if not terms:
        return None
    combined = SearchQuery(terms[0], config="english")
    for term in terms[1:]:
        combined |= SearchQuery(term, config="english")
    return combined


def search(query: str) -> tuple[NameMatch, list[Result]]:
    query = cleaned(query)
    if not query:
        return NameMatch(), []
    match = match_names(query)
    names = dict(countries)
    leading, following = [], []
    if match.role and match.country:
        url = reverse("salaries:role_country", args=[match.role.key, match.country.lower()])
        title = f"{match.role.name} salaries in {names[match.country]}"
        leading.append(Result(title, url, "Salaries", pair_note(match)))
    if match.role:
        # The role anywhere: first when no country was named, else after the guides.
        url = reverse("salaries:role", args=[match.role.key])
        role_page = Result(f"{match.role.name} salaries", url, "Salaries", match.role.note)
        (following if match.country else leading).append(role_page)
    elif match.country:
        url = reverse("salaries:list") + f"?country={match.country}"
        leading.append(Result(f"Salaries in {names[match.country]}", url, "Salaries"))
    found = []
    words = text_query(match, query)
    if words is not None:
        found = guide_results(words, match) + posting_results(words)
    following += [
        Result(f"{choice.name} salaries", reverse("salaries:role", args=[choice.key]), "Role",
               choice.note)
        for choice in match.other_roles
    ]  # fmt: skip
    return match, leading + found + following


def pair_note(match: NameMatch) -> str:
    """How many people the role's figures in the country rest on, as the page says it."""
    unit = display_unit(Display.USD)
    query = figures.Criteria.for_group(unit, role=Role.objects.get(slug=match.role.key),
                                    country=match.country)  # fmt: skip
    people = figures.panel(query).summary.people
    return f"{people} people" if people.shown else f"Published estimates; {people} people"


def guide_results(words: SearchQuery, match: NameMatch) -> list[Result]:
    """Published guides with any of the words, the best first: words in the title count most,
    then the summary, then the body; a guide about the matched country or role ranks higher."""
    boost = Value(0.0)
    if match.country:
        boost = Case(When(country=match.country, then=Value(0.5)), default=Value(0.0))
    guides = (
        Guide.objects.published()
        .filter(search_vector=words)
        .annotate(
            rank=SearchRank(F("search_vector"), words, normalization=Value(1)) + boost,
            snippet=SearchHeadline(
                "search_text",
                words,
                config="english",
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=15,
            ),
        )  # fmt: skip
        .order_by("-rank", "title")[:10]
    )
    return [Result(g.title, g.get_absolute_url(), "Guide", highlighted(g.snippet)) for g in guides]


def posting_results(words: SearchQuery) -> list[Result]:
    postings = (
        JobPosting.objects.public()
        .filter(search_vector=words)
        .annotate(rank=SearchRank(F("search_vector"), words))
        .order_by("-rank", "-date_posted")[:10]
    )
    return [
        Result(p.title, p.get_absolute_url(), "Job", f"{p.employer} · {p.location}")
        for p in postings
    ]
