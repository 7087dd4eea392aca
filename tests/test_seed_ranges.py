"""The seed ranges are stored and shown exactly as their articles published them
(/work/shared/seeds/, transcribed in salaries/seed/published_ranges.csv)."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from salaries.figures.published import quoted
from salaries.management.commands.load_reference_data import SEED_DIR
from salaries.models import PublishedRange, conversion_table
from salaries.templatetags.salaries_tags import pay_range

pytestmark = pytest.mark.usefixtures("reference_data")

MLE = "machine-learning-engineer"
FAANG = "tech-faang-with-bonus-and-equity"
INDIA_MID = "india-mid-level-per-annum"


def seed_rows():
    with open(SEED_DIR / "published_ranges.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def stored(key: str) -> PublishedRange:
    return PublishedRange.objects.select_related("source", "city", "industry").get(seed_key=key)


def number(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@pytest.mark.parametrize("row", seed_rows(), ids=lambda row: row["key"])
def test_every_seed_range_is_stored_as_its_row_gives_it(row):
    published = stored(row["key"])
    assert published.source.key == row["source"]
    assert (published.low, published.high) == (number(row["low"]), number(row["high"]))
    assert published.high_from == number(row["high_from"])
    assert published.open_ended == (row["open_ended"] == "yes")  # the "+"
    assert published.currency_id == row["currency"]
    assert published.period == row["period"]
    assert published.level == row["level"]
    assert published.years_min == (int(row["years_min"]) if row["years_min"] else None)
    assert published.years_max == (int(row["years_max"]) if row["years_max"] else None)
    assert (published.country.code or "") == row["country"]
    assert (published.city.name if published.city else "") == row["city"]
    assert published.region == row["region"]
    assert (published.industry.name if published.industry else "") == row["industry"]
    assert published.pay_basis == row["pay_basis"]
    assert published.employment_type == row["employment_type"]
    assert published.year == int(row["year"])
    assert published.label == row["label"]


def as_published(key: str) -> str:
    published = stored(key)
    return pay_range(published.low, published.high, published.currency_id, published)


def test_the_faang_range_keeps_the_articles_plus():
    # "Technology (FAANG): $160,000 – $250,000+ with bonuses and equity"
    assert as_published(FAANG) == "$160,000 – $250,000+"


def test_india_mid_level_reads_as_the_article_gives_it():
    # "₹10 lakh to ₹20-25 lakh per annum": a top end that is a range of its own, not open.
    assert as_published(INDIA_MID) == "₹10 lakh to ₹20–25 lakh"
    india_mid = stored(INDIA_MID)
    dollars = pay_range(india_mid.usd_low, india_mid.usd_high, "USD", india_mid)
    assert re.fullmatch(r"\$\d{2},\d{3} to \$\d{2},\d{3}–\$\d{2},\d{3}", dollars), dollars


def test_the_landing_pages_show_both_as_published(client):
    usa = client.get(f"/salaries/{MLE}/us/").content.decode()
    assert "$160,000 – $250,000+ per year" in usa
    india = client.get(f"/salaries/{MLE}/in/").content.decode()
    assert "₹10 lakh to ₹20–25 lakh per year" in india
    assert "₹10–25 lakh+" not in india


def placement(key: str, amount: int) -> str:
    published = stored(key)
    reader = quoted(published, amount, published.currency_id, "year", conversion_table())
    return reader.placement


def test_an_offer_above_the_top_of_an_open_range_is_within_it():
    assert placement(FAANG, 270_000) == "within"


def test_an_offer_is_above_india_mid_level_only_past_its_top():
    assert placement(INDIA_MID, 2_400_000) == "within"  # inside the 20-25 lakh top
    assert placement(INDIA_MID, 2_500_000) == "within"
    assert placement(INDIA_MID, 2_600_000) == "above"


def test_the_offer_page_places_270000_dollars_within_the_faang_range(client):
    offer = {"role": MLE, "country": "US", "level": "senior", "amount": "270,000",
             "currency": "USD", "period": "year"}  # fmt: skip
    page = client.get("/offer/", offer).content.decode()
    table = page[page.index('data-testid="range-placements"') :]
    rows = table[: table.index("</table>")].split("<tr>")
    [faang] = [row for row in rows if "Tech (FAANG), with bonus and equity" in row]
    assert "$160,000 – $250,000+ per year" in faang
    assert "<strong>within</strong>" in faang


def test_an_editor_can_correct_the_top_range_within_the_range(admin_client):
    india_mid = stored(INDIA_MID)
    url = f"/admin/salaries/publishedrange/{india_mid.pk}/change/"
    assert 'name="high_from" value="2000000.00"' in admin_client.get(url).content.decode()
    india_mid.high_from = india_mid.high + 1
    with pytest.raises(ValidationError, match="published_range_top_range_within_bounds"):
        india_mid.full_clean()
    india_mid.high_from, india_mid.high = Decimal(2_000_000), None
    with pytest.raises(ValidationError, match="published_range_top_range_within_bounds"):
        india_mid.full_clean()


def test_the_loader_keeps_an_editors_top_range_and_update_takes_the_files():
    india_mid = stored(INDIA_MID)
    india_mid.high_from, india_mid.open_ended = None, True
    india_mid.save()
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    india_mid.refresh_from_db()
    assert (india_mid.high_from, india_mid.open_ended) == (None, True)
    assert f"range {INDIA_MID}: high_from, open_ended" in out.getvalue()

    call_command("load_reference_data", "--update", stdout=io.StringIO())
    india_mid.refresh_from_db()
    assert (india_mid.high_from, india_mid.open_ended) == (2_000_000, False)
