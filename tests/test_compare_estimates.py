"""Every chosen country on every chart: a country with too few reports is drawn from its
salaried published estimate, on the same scale, marked apart from people's pay."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from salaries.models import PublishedRange, Role
from tests.factories import SalaryObservationFactory, SourceFactory

pytestmark = pytest.mark.usefixtures("reference_data")

MLE = "machine-learning-engineer"
FIVE = ["NP", "US", "CA", "AE", "GB"]
SVG = "{http://www.w3.org/2000/svg}"


def observe(country, count=12, start=90_000):
    role = Role.objects.get(slug=MLE)
    survey = SourceFactory(key="survey", title="A survey")
    for i in range(count):
        value = Decimal(start + i * 5_000)
        SalaryObservationFactory(
            role=role, source=survey, employee_country=country, amount=value, usd_yearly=value,
            yearly_amount=value, ppp_yearly=value, currency_id="USD",
        )  # fmt: skip


def charts(client, countries, **query):
    response = client.get("/compare/", {"role": MLE, "countries": countries, **query})
    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    # Our own page's markup, parsed as the XML an SVG must be (a malformed one fails here).
    return html, [
        ET.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))  # noqa: S314
        for svg in svgs
    ]


def rows(svg) -> dict[str, ET.Element]:
    return {g.get("data-row"): g for g in svg.iter(f"{SVG}g") if g.get("data-row")}


def marks(row) -> list[str]:
    """The classes of what is drawn in a row (besides its label and notes)."""
    return [el.get("class") for el in row if el.tag in (f"{SVG}line", f"{SVG}rect")]


def test_the_five_country_question_has_five_rows_on_both_charts(client):
    for country in ("US", "CA", "GB"):
        observe(country)
    html, (usd, ppp) = charts(client, FIVE)
    assert 'aria-label="In US dollars"' in html and 'aria-label="PPP-adjusted"' in html
    for svg in (usd, ppp):
        drawn = rows(svg)
        assert list(drawn) == FIVE, "every chosen country, in the order chosen"
        for country in ("US", "CA", "GB"):
            assert "median" in marks(drawn[country])
        for country in ("NP", "AE"):
            row = drawn[country]
            assert marks(row) == ["estimate"], "a band, not a median or box"
            notes = [t.text for t in row.iter(f"{SVG}text")]
            assert any(note.startswith("published estimate, 20") for note in notes), notes
            assert "published estimate" in row.find(f"{SVG}rect/{SVG}title").text


def test_a_band_is_the_salaried_range_converted_like_everything_else(client):
    """Nepal's band runs from the published low to the high of its salaried all-level range,
    in dollars on one chart and PPP dollars on the other, on the scale the medians use."""
    observe("US", start=100_000)
    html, (usd, ppp) = charts(client, ["NP", "US"])
    nepal = PublishedRange.objects.filter(
        role__slug=MLE, country="NP", level="", employment_type=""
    ).get()
    for svg, low, high in (
        (usd, nepal.usd_low, nepal.usd_high),
        (ppp, nepal.ppp_low, nepal.ppp_high),
    ):
        band = rows(svg)["NP"].find(f"{SVG}rect")
        median = rows(svg)["US"].find(f"{SVG}line[@class='median']")
        ticks = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "tick"]
        zero, last = float(ticks[0].get("x")), float(ticks[-1].get("x"))
        per_unit = (last - zero) / float(ticks[-1].text.rstrip("k")) / 1000
        assert float(band.get("x")) == pytest.approx(zero + float(low) * per_unit, abs=1)
        assert float(band.get("width")) == pytest.approx(float(high - low) * per_unit, abs=1)
        assert float(median.get("x1")) > float(band.get("x")) + float(band.get("width"))
    # Freelance and contract rates are Nepal's highest figures; none is drawn or quoted.
    assert "freelancer" not in " ".join(t.text for t in usd.iter(f"{SVG}title"))
    assert "Published estimate: $6,038 – $13,801 a year" in re.sub(r"\s+", " ", html)
    assert "at the 2025 rate" in html and "by the 20" in html  # the conversion basis, each


def test_levels_split_draw_each_levels_own_range(client):
    html, (usd, _) = charts(client, ["NP", "AE"], levels=["entry", "senior"])
    drawn = rows(usd)
    assert list(drawn) == ["NP · Entry", "NP · Senior", "AE · Entry", "AE · Senior"]
    drawn = {key: row for key, row in drawn.items() if key.startswith("NP")}
    titles = [drawn[key].find(f"{SVG}rect/{SVG}title").text for key in drawn]
    assert "Nepal, entry-level, monthly" in titles[0]
    assert "Nepal, senior, monthly" in titles[1]
    senior = drawn["NP · Senior"]
    assert [el.get("class") for el in senior if el.tag == f"{SVG}line"] == ["estimate-open"], (
        "an open top (NPR 2.5 lakh+) runs on past the band"
    )


def test_a_country_with_neither_keeps_its_row_saying_so(client):
    observe("US")
    html, (usd, ppp) = charts(client, ["US", "IS"])
    for svg in (usd, ppp):
        iceland = rows(svg)["IS"]
        assert marks(iceland) == []
        assert [t.text for t in iceland.iter(f"{SVG}text")][-1] == "no figures yet"
    assert "no published source we hold gives a range for it" in html


def test_a_median_at_the_end_of_the_scale_keeps_its_label_inside_the_drawing(client):
    """A lone row's median sits at the right end of the scale: its label ends there rather
    than running off a phone's screen half cut ("23.5 la")."""
    observe("US", count=6)
    _, (usd, _ppp) = charts(client, ["US", "IS"])
    label = next(t for t in rows(usd)["US"].iter(f"{SVG}text") if t.get("class") == "value")
    assert label.get("text-anchor") == "end"
