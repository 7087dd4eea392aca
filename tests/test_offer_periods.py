"""An offer typed for one period but meant for another: asked about before any verdict, with
one rule shared with the job form; the period an offer form assumes follows the country."""

import html
import re
from decimal import Decimal

import pytest

from salaries import figures
from salaries.fields import likely_period, quoting_period
from salaries.forms import OfferForm
from salaries.models import Role
from tests.test_jobs import post

pytestmark = pytest.mark.usefixtures("reference_data")

MLE = "machine-learning-engineer"
NEPAL_OFFER = {"role": MLE, "country": "NP", "level": "mid", "amount": "1,20,000"}


def text_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_nepal_has_a_yardstick_to_check_against():
    # Nepal's published ranges (reference data) give what the role usually earns.
    typical = figures.typical_yearly_usd(Role.objects.get(slug=MLE), "NP")
    assert typical and 5_000 < typical < 50_000


def test_a_monthly_offer_typed_as_yearly_is_asked_about_before_any_verdict(client):
    page = text_of(client.get("/offer/", {**NEPAL_OFFER, "period": "year"}))
    assert re.search(r"That is NPR 1\.2 lakh a year \(about \$\d{3}\)", page)
    assert "Did you mean per month?" in page
    assert 'data-testid="offer-result"' not in page  # no verdict yet
    assert re.search(
        r'<label class="check"><input [^>]*name="confirm_period"[^>]*> Yes, per year<', page
    )
    assert 'value="1,20,000"' in page  # what was typed is kept
    assert '<option value="mid" selected>' in page


def test_confirming_per_year_shows_the_verdict(client):
    query = {**NEPAL_OFFER, "period": "year", "confirm_period": "on"}
    page = text_of(client.get("/offer/", query))
    assert 'data-testid="offer-result"' in page
    assert "An offer of NPR 1.2 lakh a year" in page
    assert "Did you mean" not in page


def test_the_same_offer_per_month_is_shown_per_month_then_a_year_in_dollars(client):
    page = text_of(client.get("/offer/", {**NEPAL_OFFER, "period": "month"}))
    assert "Did you mean" not in page
    assert 'data-testid="offer-result"' in page
    assert re.search(r"An offer of NPR 1\.2 lakh a month <span class=\"muted\">\(NPR 14\.4 lakh "
                     r"a year, about \$\d{2},\d{3} a year\)", page)  # fmt: skip
    assert 'name="confirm_period"' not in page


def test_the_offer_per_month_is_placed_within_the_salaried_mid_level_range_in_npr(client):
    """Too few reports for the group, so the verdict stands on the salaried mid-level
    published range, said in the visitor's rupees a month, never on freelance rates."""
    page = text_of(client.get("/offer/", {**NEPAL_OFFER, "period": "month"}))
    assert (
        '<p class="stat-sm" data-testid="offer-position">That is within the published range for '
        "mid-level Machine Learning Engineers in Nepal: "
        '<span class="nowrap" data-testid="headline-range">NPR 0.7–1.6 lakh per month'
    ) in page
    cited = '(<cite translate="no">Machine Learning Engineer Salary'
    assert f"says instead: Nepal, mid-level, monthly {cited}" in page
    rows = re.findall(r"<tr> <td data-label=\"Published estimate\">(.*?)</tr>", page)
    assert rows and all("per month" in row for row in rows), "every range in NPR a month"
    assert all("freelance" not in row and "contract" not in row for row in rows)
    assert any(row.startswith("Nepal, mid-level, monthly (3–5 yrs)") for row in rows)
    # Half as much is below that range; twice as much above it.
    low = text_of(client.get("/offer/", {**NEPAL_OFFER, "amount": "60,000", "period": "month"}))
    assert "That is below the published range for mid-level" in low
    high = text_of(client.get("/offer/", {**NEPAL_OFFER, "amount": "2,40,000", "period": "month"}))
    assert "That is above the published range for mid-level" in high


def test_an_offer_in_dollars_sees_the_ranges_in_dollars_at_the_sources_rate(client):
    query = {**NEPAL_OFFER, "amount": "1000", "currency": "USD", "period": "month"}
    page = text_of(client.get("/offer/", query))
    assert re.search(r'data-testid="headline-range">\$503 – \$1,150 per month', page)
    assert "converted at the 2025 rate" in page


def test_an_offer_without_a_period_is_read_as_the_country_quotes_pay(client):
    page = text_of(client.get("/offer/", NEPAL_OFFER))
    assert "An offer of NPR 1.2 lakh a month" in page
    assert '<option value="month" selected>' in page  # and the form says so


def test_the_offer_forms_period_follows_the_country():
    assert quoting_period("NP") == "month" and quoting_period("np") == "month"
    assert quoting_period("US") == "year" and quoting_period("IN") == "year"
    assert quoting_period("") == "year"
    assert OfferForm.from_query({"country": "np"})["period"].value() == "month"
    assert OfferForm.from_query({"country": "us"})["period"].value() == "year"


def test_the_pages_offer_forms_ask_for_level_and_switch_the_period_by_country(client):
    home = text_of(client.get("/"))
    assert 'name="level"' in home and "Level (optional)" in home
    assert 'data-monthly-countries="BD LK NP PK"' in home and "js/offer-form.js" in home
    nepal = text_of(client.get("/offer/", {"role": MLE, "country": "np"}))
    assert '<option value="month" selected>' in nepal and 'name="level"' in nepal
    us = text_of(client.get("/offer/", {"role": MLE, "country": "us"}))
    assert '<option value="year" selected>' in us


def test_one_rule_for_a_period_mixup():
    typical = 16_000.0
    assert likely_period(860, "year", typical) == "month"  # 12 times it is near
    assert likely_period(16_000 * 12, "month", typical) == "year"  # a yearly figure
    assert likely_period(14_000, "year", typical) is None  # plausible as it is
    assert likely_period(50, "year", typical) is None  # low whichever way it is read
    assert likely_period(860, "year", None) is None  # no yardstick, no question


def test_the_job_form_asks_the_same_question_of_a_monthly_range_typed_as_yearly(client):
    response = post(client, pay_min="1,20,000", pay_max="1,60,000", pay_period="year")
    page = response.content.decode()
    assert response.status_code == 400
    assert "If these are monthly figures, choose “per month”" in page
    assert 'name="confirm_period"' in page
    # Said in the rupees the employer typed, never in dollars they did not.
    assert re.search(r"Per year, that is about NPR 1\.4 lakh a year, far from what this role "
                     r"usually earns \(about NPR [\d.]+ lakh a year, NPR [\d,.]+( lakh)? a month\)",
                     html.unescape(page))  # fmt: skip
    assert "$" not in html.unescape(page).split("Per year, that is")[1].split("confirm.")[0]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("1.2 lakh", "120000"), ("12 lakh", "1200000"), ("1.2L", "120000"), ("120k", "120000"),
     ("1.5 crore", "15000000"), ("1,20,000", "120000"), ("१,२०,०००", "120000")],
)  # fmt: skip
def test_amounts_are_read_as_people_write_them(typed, meant):
    form = OfferForm({**NEPAL_OFFER, "amount": typed, "period": "month", "confirm_period": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(meant)


@pytest.mark.parametrize("typed", ["1.2 lakhs of rupees", "twelve", "12 parsecs", "1.2.3 lakh"])
def test_an_amount_that_cannot_be_read_says_how_to_write_it(typed):
    form = OfferForm({**NEPAL_OFFER, "amount": typed, "period": "month"})
    assert not form.is_valid()
    assert form.errors["amount"] == [
        "Write the amount in digits, such as 1,50,000 (or 1.5 lakh, or 150k)."
    ]
