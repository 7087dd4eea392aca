"""Uncertainty a reader can see: every median with its people and how far to trust it, an
interval where privacy allows one, a warning where the median and the published ranges
disagree, and small groups drawn lighter."""

import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 (parses our own pages' SVG)
from fractions import Fraction

import pytest

from salaries.figures import privacy, reliability, round_significant
from salaries.models import Level
from tests.factories import survey_answers

pytestmark = pytest.mark.usefixtures("reference_data")

MLE = "machine-learning-engineer"
SVG = "{http://www.w3.org/2000/svg}"


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def observe(amounts, country="US", **fields):
    survey_answers(amounts, MLE, country, **fields)


def spread(start: int, count: int, step: int = 1_237) -> list[int]:
    """`count` distinct pays, out of order, so that the database must sort them."""
    return [start + step * ((i * 7) % count) for i in range(count)]


def exact_ranks(n: int) -> tuple[int, int] | None:
    """The median's interval ranks, by summing the binomial's odds as exact fractions."""
    found = None
    for j in range(1, n // 2 + 1):
        below = Fraction(sum(math.comb(n, i) for i in range(j)), 2**n)
        if 1 - 2 * below >= Fraction(reliability.CONFIDENCE_PERCENT, 100):
            found = (j, n + 1 - j)
    return found


def test_the_ranks_are_the_exact_binomial_ones():
    assert [n for n in range(300) if reliability.median_interval_ranks(n) != exact_ranks(n)] == []
    assert reliability.median_interval_ranks(5) is None  # even the extremes are not enough
    assert reliability.median_interval_ranks(6) == (1, 6)
    assert reliability.median_interval_ranks(40) == (14, 27)
    assert reliability.median_interval_ranks(1_000_000) == (499_020, 500_981)  # fast, too


def test_an_interval_is_shown_only_between_the_percentiles_already_shown():
    """Its ends are people's pay: never the extremes, only inside the 25th-75th (or, once
    shown, the 10th-90th) percentile."""
    shown = [n for n in range(1, 200) if privacy.interval_ranks(n)]
    assert shown[:3] == [17, 20, 21] and shown == [17, *range(20, 200)]
    assert privacy.interval_ranks(17) == (5, 13)  # the quartiles' own ranks
    for n in shown:
        low, high = privacy.interval_ranks(n)
        outermost = 0.10 if n >= privacy.MIN_DECILES else 0.25
        assert low >= 1 + outermost * (n - 1) and high <= n - outermost * (n - 1), n


def test_reliability_labels_follow_the_thresholds():
    assert [reliability.reliability_of(n) for n in (5, 29, 30, 99, 100)] == [
        "rough guide", "rough guide", "fair guide", "fair guide", "solid guide",
    ]  # fmt: skip


def test_the_india_landing_page_says_six_people_are_a_rough_guide(client):
    observe([30_000 + 1_000 * i for i in range(6)], country="IN")
    page = text_of(client.get(f"/salaries/{MLE}/in/"))
    median = re.search(r'data-testid="median">(₹[\d.]+ lakh)<', page).group(1)
    beside = page[page.index('data-testid="median"') :]
    beside = beside[: beside.index("</div></div>")]
    assert median in beside
    assert re.search(r'data-testid="reliability">6 people · <a href="/methodology/#reliability">'
                     r"rough guide</a>", beside)  # fmt: skip
    assert 'data-testid="interval"' not in page, "6 people: the ends would be the extremes"


def test_a_group_of_forty_is_a_fair_guide_with_its_interval(client):
    pays = spread(80_000, 40)
    observe(pays)
    page = text_of(client.get(f"/salaries/{MLE}/us/"))
    fair = 'data-testid="reliability">40 people · <a href="/methodology/#reliability">fair guide<'
    assert fair in page
    low, high = exact_ranks(40)
    ordered = sorted(pays)
    ends = [f"${round_significant(ordered[rank - 1]):,.0f}" for rank in (low, high)]
    assert f'data-testid="interval">(95% interval {ends[0]} – {ends[1]})<' in page


def test_a_hundred_people_are_a_solid_guide_and_tables_say_each_rows_label(client):
    observe(spread(90_000, 100, step=311), level=Level.SENIOR)
    observe(spread(60_000, 6), level=Level.ENTRY)
    page = text_of(client.get(f"/salaries/{MLE}/us/"))
    assert "106 people · <a" in page and ">solid guide</a>" in page
    by_level = page[page.index('aria-label="Pay by level"') :]
    rows = {
        label: cells
        for label, cells in re.findall(r'<td class="row-label">([^<]+)</td>(.*?)</tr>', by_level)
    }
    assert re.search(r'data-label="Median">\$[\d,]+ <span class="reliability">solid guide<', (
        rows["Senior"]
    ))  # fmt: skip
    assert '<span class="reliability rough">rough guide</span>' in rows["Entry"]


def test_the_chart_draws_a_rough_group_lighter(client):
    observe(spread(90_000, 40), level=Level.SENIOR)
    observe(spread(60_000, 6), level=Level.ENTRY)
    page = client.get(f"/salaries/{MLE}/us/").content.decode()
    svg = re.search(r'<svg [^>]*class="spread".*?</svg>', page, flags=re.S).group(0)
    assert "rows drawn lighter rest on under 30 people, a rough guide" in svg
    tree = ET.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))  # noqa: S314
    rows = {g.get("data-row"): g.get("class") for g in tree.iter(f"{SVG}g") if g.get("data-row")}
    assert rows["Entry"] == "rough"
    assert rows["Senior"] is None


def test_the_label_thresholds_reach_the_methodology_page(client, monkeypatch):
    monkeypatch.setattr(reliability, "FAIR_FROM", 25)
    monkeypatch.setattr(reliability, "SOLID_FROM", 80)
    page = text_of(client.get("/methodology/"))
    assert "Rough guide</strong>: under 25 people" in page
    assert "Solid guide</strong>: 80 people or more" in page
    assert "with 40 people, the 14th lowest pay and the 14th highest (the 27th" in page


# India's salaried ranges for machine learning engineers (salaries/seed): entry level
# ₹5-11 lakh and ₹7-10 lakh, Bengaluru ₹12-35 lakh at every level, mid level ₹10-25 lakh,
# senior ₹30-40 lakh+ (its top open) and ₹1 crore+ with stock.


def test_a_median_below_every_published_range_says_so(client):
    observe([2_000 + 100 * i for i in range(6)], country="IN")  # about ₹1.7 lakh
    page = text_of(client.get(f"/salaries/{MLE}/in/"))
    assert (
        '<p class="caution" data-testid="disagreement">The median of 6 people here is below '
        "every published range for Machine Learning Engineers in India: treat it with care."
    ) in page
    listed = text_of(client.get("/salaries/", {"role": MLE, "country": "IN"}))
    assert "The median of 6 people here is below every published range" in listed
    anywhere = text_of(client.get("/salaries/", {"role": MLE}))
    assert 'data-testid="disagreement"' not in anywhere, "not one country: nothing to set it by"


def test_a_median_above_every_range_for_its_level_says_so(client):
    """At entry level every range has a top (₹35 lakh at most): ₹60 lakh is above them all."""
    observe([70_000 + 500 * i for i in range(6)], country="IN", level=Level.ENTRY)
    page = text_of(client.get(f"/salaries/{MLE}/in/", {"level": "entry"}))
    assert (
        "The median of 6 people here is above every published range for Machine Learning "
        "Engineers at entry level in India: treat it with care."
    ) in page
    every_level = text_of(client.get(f"/salaries/{MLE}/in/"))
    assert 'data-testid="disagreement"' not in every_level, "the senior ₹30-40 lakh+ holds it"


def test_a_median_within_a_published_range_says_nothing(client):
    observe([25_000 + 200 * i for i in range(6)], country="IN")  # about ₹21 lakh
    page = text_of(client.get(f"/salaries/{MLE}/in/"))
    assert 'data-testid="median">₹2' in page
    assert 'data-testid="disagreement"' not in page
