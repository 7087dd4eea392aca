"""Thirty queries people type, and the first result each should lead to (issue 27): shorthand,
synonyms, levels, cities, "jobs", and postings ranked by their title before guides."""

import re

import pytest
from django.core.management import call_command

from salaries.models import City, Role
from tests.factories import JobPostingFactory, survey_answers

pytestmark = pytest.mark.usefixtures("reference_data")

QUERIES = [
    ("ml engineer", "/salaries/machine-learning-engineer/"),
    ("ML Engineer Nepal", "/salaries/machine-learning-engineer/np/"),
    ("senior ml engineer usa", "/salaries/machine-learning-engineer/us/?level=senior"),
    ("data engineer kathmandu", "/salaries/data-engineer/np/"),
    ("data scientist pokhara", "/salaries/data-scientist/np/"),
    ("Kathmandu", "/salaries/?country=NP"),
    ("jobs nepal", "/jobs/?country=NP"),
    ("ml jobs in nepal", "/jobs/?role=machine-learning-engineer&country=NP"),
    ("mle vacancies ktm", "/jobs/?role=machine-learning-engineer&country=NP"),
    ("NLP", "/jobs/nlp-posting/"),
    ("nlp engineer", "/salaries/machine-learning-engineer/"),  # the survey's title for it
    ("computer vision jobs", "/jobs/cv-posting/"),
    ("Dubai", "/salaries/?country=AE"),
    ("england", "/salaries/?country=GB"),
    ("britain", "/salaries/?country=GB"),
    ("uk data scientist", "/salaries/data-scientist/gb/"),
    ("usa", "/salaries/?country=US"),
    ("america ai engineer", "/salaries/ai-engineer/us/"),
    ("ai", "/salaries/ai-engineer/"),
    ("genai engineer", "/salaries/ai-engineer/"),
    ("ds india", "/salaries/data-scientist/in/"),
    ("mlops", "/salaries/mlops-engineer/"),
    ("cv engineer", "/salaries/machine-learning-engineer/"),
    ("junior data analyst", "/salaries/data-analyst/?level=entry"),
    ("principal data scientist uk", "/salaries/data-scientist/gb/?level=lead"),
    ("sr software engineer bangalore", "/salaries/software-engineer/in/?level=senior"),
    ("data scientist salary in germany", "/salaries/data-scientist/de/"),
    ("machne lerning", "/salaries/machine-learning-engineer/"),
    ("नेपाल", "/salaries/?country=NP"),
    ("ML engineer नेपाल", "/salaries/machine-learning-engineer/np/"),
]


@pytest.fixture
def site(db):
    """The guides as `make run` loads them, survey answers from AI engineers (the most reported
    of the roles named "AI ..."), and two open postings in Nepal and India."""
    survey_answers([90000, 95000, 100000, 105000, 110000, 120000], role="ai-engineer")
    call_command("load_guides", stdout=open("/dev/null", "w"))  # noqa: SIM115
    role = Role.objects.get(slug="machine-learning-engineer")
    kathmandu = City.objects.get(name="Kathmandu")
    postings = {
        "nlp-posting": JobPostingFactory(title="NLP Engineer", company_name="Sagarmatha AI",
                                         role=role, country="NP", city=kathmandu),
        "cv-posting": JobPostingFactory(title="Computer Vision Engineer", company_name="Drishti",
                                        role=role, country="IN"),
    }  # fmt: skip
    return {name: posting.get_absolute_url() for name, posting in postings.items()}


def results(client, query) -> list[tuple[str, str, str]]:
    """(link, title, snippet) of each result, in order."""
    page = client.get("/search/", {"q": query}).content.decode()
    found = re.findall(
        r'<h3><a href="([^"]+)">([^<]+)</a></h3>\s*(?:<p[^>]*>(.*?)</p>)?', page, re.S
    )
    return [(url.replace("&amp;", "&"), title, snippet) for url, title, snippet in found]


def test_the_query_table(client, site):
    """Every row is checked and every miss reported, so one change shows all it breaks."""
    missed = []
    for query, expected in QUERIES:
        expected = site.get(expected.strip("/").split("/")[-1], expected)
        found = results(client, query)
        first = found[0][0] if found else "nothing"
        if first != expected:
            missed.append(f"{query!r}: {first}, expected {expected}")
    assert not missed, "\n".join(missed)
    assert len(QUERIES) >= 30


def test_a_level_and_a_city_say_so_in_the_result_title(client, site):
    title = results(client, "senior ml engineer kathmandu")[0][1]
    assert title == "Senior Machine Learning Engineer salaries in Nepal"


@pytest.mark.parametrize("query", ["Dubai", "england", "britain"])
def test_a_place_is_not_read_as_its_words_alone(client, site, query):
    """ "United" in United Arab Emirates must not bring up the guide to the United States."""
    titles = [title for _, title, _ in results(client, query)]
    assert not any("United States" in title for title in titles), titles


def test_a_posting_titled_with_the_words_comes_before_guides_that_mention_them(client, site):
    kinds = [url.split("/")[1] for url, _, _ in results(client, "nlp")]
    assert kinds[0] == "jobs" and "guides" in kinds[1:]


def test_a_posting_in_the_named_country_is_found_though_its_text_never_names_it(client, site):
    urls = [url for url, _, _ in results(client, "jobs nepal")]
    assert site["nlp-posting"] in urls and site["cv-posting"] not in urls


def test_the_job_board_result_says_how_many_jobs_are_open(client, site):
    url, title, snippet = results(client, "ml jobs nepal")[0]
    assert title == "Machine Learning Engineer jobs in Nepal"
    assert "1 open job" in snippet
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "query", ["machine learning engineer nepal", "median", "india", "engineers"]
)
def test_snippets_never_print_an_empty_figure(client, site, query):
    snippets = [snippet for url, _, snippet in results(client, query) if "/guides/" in url]
    assert snippets
    for snippet in snippets:
        text = re.sub(r"<[^>]+>", "", snippet)
        assert not re.search(r"\b(is|are|of|about|at|earn|earns|was)\s*[,.;:)]", text), text


@pytest.mark.parametrize(
    "role, place, destination",
    [
        ("ml engineer", "", "/salaries/machine-learning-engineer/"),
        ("senior ml engineer", "Kathmandu", "/salaries/machine-learning-engineer/np/?level=senior"),
        ("Data Scientist", "england", "/salaries/data-scientist/gb/"),
        ("junior data analyst in usa", "", "/salaries/data-analyst/us/?level=entry"),
        ("GenAI Engineer", "Dubai", "/salaries/ai-engineer/ae/"),
    ],
)
def test_the_home_find_box_reads_names_as_search_does(client, role, place, destination):
    response = client.get("/salaries/find/", {"role": role, "country": place})
    assert response.status_code == 302 and response.url == destination


def test_the_home_find_box_says_what_to_type_and_keeps_it(client):
    response = client.get("/salaries/find/", {"role": "astronaut", "country": "Atlantis"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "We have no role called “astronaut”. Type a job title such as Data Scientist" in page
    assert "Type a country such as Nepal or India, or a city such as Kathmandu." in page
    assert 'value="astronaut"' in page and 'value="Atlantis"' in page
