"""The privacy thresholds reach every page from salaries.figures.privacy: change them there and
every "fewer than N" and "at least N" follows; no template types one again."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from careers.models import Guide
from salaries import conversion
from salaries.figures import privacy
from salaries.models import Level, Role
from tests.factories import SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")

MLE = "machine-learning-engineer"
# Other values than the real ones, each different, so that a page stating the wrong rule shows.
PATCHED = {"MIN_COUNT": 6, "MIN_MEDIAN": 8, "MIN_QUARTILES": 12, "MIN_DECILES": 25}
COUNT, MEDIAN, QUARTILES, DECILES = PATCHED.values()
FLOOR = 9  # report figures: a smaller group is not computed
FEWER_OR_AT_LEAST = re.compile(r"(?i)\b(?:fewer than|at least)\s+(\d+)")


@pytest.fixture
def thresholds(monkeypatch):
    for name, value in PATCHED.items():
        monkeypatch.setattr(privacy, name, value)
    monkeypatch.setattr(privacy, "SIGNIFICANT_FIGURES", 2)
    monkeypatch.setattr(privacy, "FLOOR", FLOOR)


def text_of(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def observe(count, country="NP", level=Level.MID, usd=10_000):
    role = Role.objects.get(slug=MLE)
    for i in range(count):
        value = Decimal(usd + i * 100)
        SalaryObservationFactory(
            role=role, employee_country=country, level=level, amount=value, usd_yearly=value,
            ppp_yearly=value * 3,
        )  # fmt: skip


def follows(page: str) -> None:
    """Every "fewer than N" and "at least N" on the page states a patched threshold (and the
    methodology page the report figures' FLOOR)."""
    assert "fewer than 5" not in page.lower() and "at least 5" not in page
    stated = {int(n) for n in FEWER_OR_AT_LEAST.findall(page)}
    assert stated <= {COUNT, MEDIAN, QUARTILES, DECILES, FLOOR}, stated


def test_a_small_group_says_the_thresholds_in_force(client, thresholds):
    observe(7)  # shown (6), yet too few for a median (8)
    page = text_of(client.get("/salaries/", {"country": "NP"}))
    assert 'data-testid="count">7<' in page and "Not enough reports yet" in page
    assert (
        f"We show a median once at least {MEDIAN} people stand behind it, and fewer than "
        f"{MEDIAN} match here."
    ) in page
    follows(page)
    few = text_of(client.get("/salaries/", {"country": "NP", "level": "senior"}))
    assert f'data-testid="count">fewer than {COUNT}<' in few
    follows(few)


def test_finer_figures_say_how_many_people_they_need(client, thresholds):
    observe(10)
    page = text_of(client.get("/salaries/", {"country": "NP"}))
    assert 'data-testid="median">' in page and "Not enough reports yet" not in page
    assert (
        f"the quartiles from {QUARTILES} people, the 10th and 90th percentiles and the chart "
        f"from {DECILES}."
    ) in page
    assert "rounded to 2 significant digits" in page
    follows(page)


def test_a_refused_export_says_how_many_it_needs(client, thresholds):
    observe(5)  # would be enough with the real threshold
    page = text_of(client.get("/salaries/export.csv", {"country": "NP"}))
    assert (
        f"Fewer than {COUNT} survey answers match these filters. An export needs at least {COUNT},"
    ) in page
    follows(page)


def test_landing_compare_and_offer_say_the_median_threshold(client, thresholds):
    observe(7, country="IN")
    observe(3, country="US")
    landing = text_of(client.get(f"/salaries/{MLE}/np/"))
    assert f"Fewer than {MEDIAN} people have told us their pay for this group yet" in landing
    follows(landing)
    role = text_of(client.get(f"/salaries/{MLE}/"))
    assert f"1 more country, fewer than {COUNT} people" in role  # the United States' 3
    follows(role)
    compare = text_of(client.get("/compare/", {"role": MLE, "countries": ["NP", "IN"]}))
    assert f"Fewer than {MEDIAN} people have told us their pay in Nepal, India" in compare
    follows(compare)
    offer = text_of(client.get("/offer/", {"role": MLE, "country": "IN", "amount": "900000"}))
    assert f"Fewer than {MEDIAN} people have told us their pay for this group" in offer
    follows(offer)


def test_a_guide_states_the_thresholds_in_force(client, thresholds):
    observe(7)
    Guide.objects.create(
        title="Marked", slug="marked", role=Role.objects.get(slug=MLE), summary="s",
        status="published", published_on=date(2026, 1, 1),
        body="Nepal: [[median role=machine-learning-engineer country=np]], "
        "[[count role=machine-learning-engineer country=np level=senior]].\n\n"
        "[[figures role=machine-learning-engineer country=np]]\n\n"
        "[[roles roles=machine-learning-engineer,ai-engineer country=np]]\n",
    )  # fmt: skip
    page = text_of(client.get("/guides/marked/"))
    assert f"(fewer than {MEDIAN} people have told us their pay)" in page
    assert f"fewer than {COUNT} people</span>" in page
    assert f"we show a median once at least {MEDIAN} stand behind it." in page
    assert f"medians from {MEDIAN} people, quartiles from {QUARTILES}." in page
    assert "rounded to 2 significant figures" in page
    follows(page)


def test_the_methodology_page_states_the_rules_in_force(client, thresholds, monkeypatch):
    monkeypatch.setattr(conversion, "HOURS_A_WEEK", 38)
    monkeypatch.setattr(conversion, "HOURS_A_YEAR", 38 * 52)
    page = text_of(client.get("/methodology/"))
    assert f'When fewer than {COUNT} people match, we say "fewer than {COUNT}"' in page
    assert (
        f"The median needs at least {MEDIAN} people; the 25th and 75th percentiles at least "
        f"{QUARTILES}; the 10th and 90th percentiles and the histogram at least {DECILES}."
    ) in page
    assert (
        "rounded to 2 significant digits: a median of 1,234,567 is shown as 1,200,000, and "
        "$87,654 as $88,000."
    ) in page
    assert "Hourly figures are multiplied by 1,976 (38 hours a week, 52 weeks)" in page
    follows(page)


def test_the_report_form_states_the_release_thresholds_in_force(client, monkeypatch):
    monkeypatch.setattr(privacy, "THRESHOLD", 23)
    monkeypatch.setattr(privacy, "MEDIAN_FROM", 47)
    page = text_of(client.get("/salaries/submit/"))
    assert "from about 47 of them a median" in page
    assert "show only once about 23 people have reported" in page


def test_the_thresholds_in_force_by_default_read_as_before(client):
    page = text_of(client.get("/methodology/"))
    assert 'When fewer than 5 people match, we say "fewer than 5"' in page
    assert (
        "rounded to 3 significant digits: a median of 1,234,567 is shown as 1,230,000, and "
        "$87,654 as $87,700."
    ) in page
    assert "Hourly figures are multiplied by 2,080 (40 hours a week, 52 weeks)" in page


# What a template may not type: a privacy threshold or rule as a literal number.
LITERAL_RULES = [
    r"(?i)\bfewer\s+than\s+\d",
    r"(?i)\bat\s+least\s+\d",
    r"(?i)\b(?:from|needs?)\s+\d+\s+(?:people|reports|survey answers)",
    r"(?i)\b(?:quartiles|percentiles|medians?|chart|histogram)\s+(?:from|at least)\s+\d",
    r"(?i)\d+\s+significant\s+(?:digits|figures)",
    r"\b2,?080\b",
    r"(?i)\b\d+\s+hours\s+a\s+week",
]


def test_no_template_types_a_privacy_threshold():
    root = Path(settings.BASE_DIR) / "templates"
    found = [
        f"{path.relative_to(root)}: {match.group(0)!r}"
        for path in sorted(root.rglob("*.html"))
        for rule in LITERAL_RULES
        for match in re.finditer(rule, path.read_text())
    ]
    assert not found, "\n".join(found)
