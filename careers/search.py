"""Site search: roles, levels and places read from the query (salaries.names), then guides and
job postings by PostgreSQL full-text search.

A role and a place found in the query lead the results with their salary page ("jobs" in the
query puts the job board, filtered, first); postings whose title holds the words come before
guides, then guides, then postings that mention the words only in their text.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from careers.models import Guide
from jobs.models import JobPosting
from salaries import figures
from salaries.models import Role
from salaries.money import Display, display_unit
from salaries.names import NOISE, NameMatch, cleaned, match_names, words_of

# Words asking for the job board rather than for pay.
JOB_WORDS = frozenset({"job", "jobs", "vacancy", "vacancies", "opening", "openings", "hiring"})
# Headlines are marked with characters no text holds, then escaped, then made <mark>s.
START, STOP = "\ue000", "\ue001"
MAX_GUIDES = MAX_POSTINGS = 10


@dataclass
class Result:
    title: str
    url: str
    kind: str  # "Salaries", "Guide", "Job", "Jobs", "Role", in the visitor's language
    snippet: str = ""


def highlighted(text: str) -> str:
    """A headline from PostgreSQL, escaped, its matches in <mark>."""
    safe = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308 (escaped above; only our marks are HTML)


def text_query(match: NameMatch) -> SearchQuery | None:
    """Any of the words as typed and as we read them, the role's name, and the place as a
    phrase ("United Arab Emirates", never "united" alone): more of them found, higher rank."""
    terms = set(match.typed) | set(match.words)
    if match.role:
        terms |= set(words_of(match.role.name))
    queries = [SearchQuery(term, config="english") for term in sorted(terms - NOISE)]
    if match.country:
        for phrase in {match.place, dict(countries)[match.country]}:
            queries.append(SearchQuery(phrase, config="english", search_type="phrase"))
    if not queries:
        return None
    combined = queries[0]
    for query in queries[1:]:
        combined |= query
    return combined


def search(query: str) -> tuple[NameMatch, list[Result]]:
    query = cleaned(query)
    if not query:
        return NameMatch(), []
    match = match_names(query, ignored=JOB_WORDS)
    wants_jobs = bool(JOB_WORDS & set(words_of(query)))
    words = text_query(match)
    leading = salary_results(match)
    titled, mentioned = posting_results(words, match)
    following = []
    if match.role and match.country:
        # The role anywhere comes after what the query asked about.
        following.append(leading.pop())
    following += [
        Result(_("%(role)s salaries") % {"role": choice.name},
               reverse("salaries:role", args=[choice.key]), _("Role"), choice.note)
        for choice in match.other_roles
    ]  # fmt: skip
    guides = guide_results(words, match) if words is not None else []
    if wants_jobs and (match.role or match.country):
        leading.insert(0, job_board_result(match))
    elif wants_jobs:  # "computer vision jobs": the postings found lead, then the board
        titled.append(job_board_result(match))
    return match, leading + titled + guides + mentioned + following


def described(match: NameMatch, what: str) -> str:
    """ "Senior Machine Learning Engineer salaries in Nepal", "Jobs in India"; `what` is
    "salaries" or "jobs"."""
    title = Role.objects.get(slug=match.role.key).display_name if match.role else ""
    role = " ".join(filter(None, [match.level_label, title]))
    country = dict(countries)[match.country] if match.country else ""
    if what == "jobs":
        titles = {
            (True, True): _("%(role)s jobs in %(country)s"), (True, False): _("%(role)s jobs"),
            (False, True): _("Jobs in %(country)s"), (False, False): _("Jobs"),
        }  # fmt: skip
    else:
        titles = {
            (True, True): _("%(role)s salaries in %(country)s"),
            (True, False): _("%(role)s salaries"),
            (False, True): _("Salaries in %(country)s"), (False, False): _("Salaries"),
        }  # fmt: skip
    title = titles[bool(role), bool(country)]
    return title % {"role": role, "country": country} if role or country else title


def salary_results(match: NameMatch) -> list[Result]:
    """The salary pages the query names: the role in the place, then the role anywhere; or the
    place's salaries. A level named leads to that level of the page."""
    level = f"?level={match.level}" if match.level else ""
    results = []
    if match.role and match.country:
        url = reverse("salaries:role_country", args=[match.role.key, match.country.lower()])
        results.append(Result(described(match, "salaries"), url + level, _("Salaries"),
                              pair_note(match)))  # fmt: skip
    if match.role:
        url = reverse("salaries:role", args=[match.role.key]) + level
        title = described(NameMatch(role=match.role, level=match.level), "salaries")
        results.append(Result(title, url, _("Salaries"), match.role.note))
    elif match.country:
        url = reverse("salaries:list") + f"?country={match.country}"
        results.append(Result(described(match, "salaries"), url, _("Salaries")))
    return results


def pair_note(match: NameMatch) -> str:
    """How many people the figures of the role in the country rest on, as the page says it."""
    unit = display_unit(Display.USD)
    role = Role.objects.get(slug=match.role.key)
    levels = [match.level] if match.level else []
    query = figures.Criteria.for_group(unit, role=role, country=match.country, levels=levels)
    people = figures.panel(query).summary.people
    if people.shown:
        return _("%(people)s people") % {"people": people}
    return _("Published estimates; %(people)s people") % {"people": people}


def named_postings(match: NameMatch) -> Q:
    """Postings for the role, place and level the query names (none when it names none)."""
    if not (match.role or match.country):
        return Q(pk__in=[])
    named = Q()
    if match.role:
        named &= Q(role__slug=match.role.key)
    if match.country:
        named &= Q(country=match.country)
    if match.level:
        named &= Q(level=match.level)
    return named


def job_board_result(match: NameMatch) -> Result:
    params = {"role": match.role.key if match.role else "", "country": match.country,
              "level": match.level}  # fmt: skip
    query = urlencode({key: value for key, value in params.items() if value})
    count = JobPosting.objects.public().filter(named_postings(match) if query else Q()).count()
    if count:
        note = ngettext("%(count)s open job", "%(count)s open jobs", count) % {"count": count}
    else:
        note = _("No open jobs yet")
    return Result(described(match, "jobs"), reverse("jobs:list") + (f"?{query}" if query else ""),
                  _("Jobs"), note)  # fmt: skip


def posting_results(words: SearchQuery | None, match: NameMatch) -> tuple[list, list]:
    """Open postings for what the query names or holding its words: those named or with the
    words in their title first (to lead the guides), then those with them only in the text."""
    found = named_postings(match)
    in_title = Value(0)
    if words is not None:
        found |= Q(search_vector=words)
        in_title = Case(When(title__search=words, then=Value(1)), default=Value(0))
    postings = (
        JobPosting.objects.public()
        .filter(found)
        .select_related("city")
        .annotate(
            named=Case(When(named_postings(match), then=Value(1)), default=Value(0)),
            in_title=in_title,
            rank=SearchRank(F("search_vector"), words) if words is not None else Value(0.0),
            first=F("named") + F("in_title"),
        )
        .order_by("-first", "-rank", "-date_posted")[:MAX_POSTINGS]
    )
    results = {True: [], False: []}
    for posting in postings:
        result = Result(posting.title, posting.get_absolute_url(), _("Job"),
                        f"{posting.employer} · {posting.location}")  # fmt: skip
        results[bool(posting.first)].append(result)
    return results[True], results[False]


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
        .order_by("-rank", "title")[:MAX_GUIDES]
    )
    return [
        Result(g.display_title, g.get_absolute_url(), _("Guide"), highlighted(g.snippet))
        for g in guides
    ]
