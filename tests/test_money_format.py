"""Money is written one way everywhere: to three significant figures, rupees in lakh and crore,
and a range in one style from end to end."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import F

from careers.markers import render_body
from salaries.models import Currency, Role
from salaries.money import DisplayUnit, format_money, format_range
from salaries.templatetags.salaries_tags import pay_range
from tests.factories import SalaryObservationFactory

GUIDES = Path(__file__).resolve().parents[1] / "careers" / "seed"


@pytest.mark.parametrize(
    "amount, currency, text",
    [
        (10_200_000, "INR", "₹1.02 crore"),
        (10_300_000, "INR", "₹1.03 crore"),  # no longer "₹1 crore" like 10,200,000
        (563_000, "INR", "₹5.63 lakh"),
        (3_230_000, "INR", "₹32.3 lakh"),
        (12_345_678, "INR", "₹1.23 crore"),
        (123_456_789, "INR", "₹12.3 crore"),
        (9_995_000, "INR", "₹1 crore"),  # rounded first: not "₹100 lakh"
        (160_000, "NPR", "NPR 1.6 lakh"),  # trailing zeros dropped: not "1.60"
        (150_000, "NPR", "NPR 1.5 lakh"),
        (100_000, "NPR", "NPR 1 lakh"),
        (70_000, "NPR", "NPR 70,000"),
        (120_000, "USD", "$120,000"),
    ],
)
def test_money_keeps_three_significant_figures(amount, currency, text):
    assert format_money(Decimal(amount), currency) == text


@pytest.mark.parametrize(
    "low, high, currency, text",
    [
        (70_000, 160_000, "NPR", "NPR 0.7–1.6 lakh"),
        (150_000, 250_000, "NPR", "NPR 1.5–2.5 lakh"),
        (35_000, 65_000, "NPR", "NPR 35,000 – NPR 65,000"),
        (5_000, 200_000, "NPR", "NPR 5,000 – NPR 2,00,000"),  # 0.05 lakh would be hard to read
        (5_000_000, 12_000_000, "INR", "₹0.5–1.2 crore"),
        (500_000, 12_000_000, "INR", "₹5–120 lakh"),  # not ₹0.05–1.2 crore
        (120_000, 160_000, "USD", "$120,000 – $160,000"),
        (None, 90_000, "USD", "up to $90,000"),
        (None, 250_000, "NPR", "up to NPR 2.5 lakh"),
        (160_000, 160_000, "USD", "$160,000"),
    ],
)
def test_a_range_is_written_in_one_style(low, high, currency, text):
    assert pay_range(low, high, currency) == text


def test_a_range_never_mixes_digits_with_lakh_or_crore():
    for low in range(10_000, 2_000_000, 10_000):
        text = format_range(Decimal(low), Decimal(low) * 3, "NPR")
        assert not (re.search(r"\d,\d{3}", text) and "lakh" in text), text


def test_an_open_top_and_a_top_given_as_a_range():
    assert format_range(150_000, 250_000, "NPR", open_ended=True) == "NPR 1.5–2.5 lakh+"
    assert format_range(97_500, None, "GBP", open_ended=True) == "£97,500+"
    assert format_range(10_000_000, None, "INR", open_ended=True) == "₹1 crore+"
    top_range = format_range(1_000_000, 2_500_000, "INR", high_from=2_000_000)
    assert top_range == "₹10 lakh to ₹20–25 lakh"
    in_dollars = format_range(12_000, 30_000, "USD", high_from=24_000)
    assert in_dollars == "$12,000 to $24,000–$30,000"


def test_chart_labels_keep_three_significant_figures():
    rupees, dollars = DisplayUnit("INR", F("yearly_amount")), DisplayUnit("USD", F("usd_yearly"))
    assert rupees.format_compact(10_200_000) == "1.02 crore"
    assert rupees.format_compact(563_000) == "5.63 lakh"
    assert rupees.format_compact(50_000) == "50k"
    assert dollars.format_compact(1_250_000) == "1.25M"
    assert dollars.format_compact(125_000) == "125k"


@pytest.mark.usefixtures("reference_data")
def test_the_salary_list_shows_a_crore_median_to_three_significant_figures(client):
    inr = Currency.objects.get(code="INR")
    role = Role.objects.get(slug="machine-learning-engineer")
    for amount in (10_000_000, 10_100_000, 10_234_567, 10_400_000, 10_500_000):
        SalaryObservationFactory(
            role=role, employee_country="IN", currency=inr, amount=Decimal(amount),
            usd_yearly=Decimal(amount) / 85,
        )  # fmt: skip
    page = client.get("/salaries/", {"country": "IN"}).content.decode()
    assert re.search(r'data-testid="median">\s*₹1\.02 crore\s*<', page)


@pytest.mark.usefixtures("reference_data")
def test_a_guide_writes_an_articles_range_through_the_formatter():
    html = str(render_body("Mid career: [[range key=india-mid-level-per-annum]]."))
    assert '<span class="figure">₹10 lakh to ₹20–25 lakh per year</span>' in html
    html = str(render_body("Nepal: [[range key=nepal-all-levels-monthly]]."))
    assert "NPR 0.7–1.6 lakh per month" in html
    assert "marker-error" in str(render_body("[[range key=no-such-range]]", staff=True))


# An amount written by hand: a currency sign or code, or lakh and crore, next to a number.
HAND_WRITTEN_MONEY = re.compile(
    r"(₹|\$|£|€|\b(?:USD|NPR|INR|CAD|AED|GBP|EUR)\b)\s?\d|\d\s?(lakh|crore|k)\b", re.IGNORECASE
)


def test_the_seed_guides_write_no_money_of_their_own():
    for guide in GUIDES.glob("*.md"):
        prose = re.sub(r"\[\[[^\]]*\]\]", "", guide.read_text(encoding="utf-8"))
        found = HAND_WRITTEN_MONEY.search(prose)
        assert found is None, f"{guide.name}: {found and found.group(0)!r}"
