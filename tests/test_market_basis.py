"""Employment basis in every market comparison: a salaried offer or posting is set against
salaried pay and salaried published ranges; freelance and contract rates only against their own."""

import re
from decimal import Decimal

import pytest

from salaries import figures
from salaries.models import Level
from salaries.money import Display, display_unit
from tests.factories import (
    JobPostingFactory,
    PublishedRangeFactory,
    RoleFactory,
    SalaryObservationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.usefixtures("reference_data")

# Label of each range -> its employment type ("" is not stated, which counts as salaried).
SALARIED = {"Basis salaried, mid": "full_time", "Basis unstated, all levels": ""}
SELF_EMPLOYED = {"Basis outsourcing contract": "contract", "Basis freelancer, hourly": "freelance"}


def text_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def role():
    """A role with only these ranges in Nepal, and no survey answers: the market is the ranges.
    Salaried ones are low, freelance and contract ones far higher, so mixing them shows."""
    role = RoleFactory(name="Basis Test Engineer")
    usd = {"full_time": (8000, 16000), "": (10000, 14000),
           "contract": (60000, 90000), "freelance": (100000, 140000)}  # fmt: skip
    for label, employment_type in {**SALARIED, **SELF_EMPLOYED}.items():
        low, high = usd[employment_type]
        PublishedRangeFactory(
            role=role, country="NP", currency_id="NPR", period="month", label=label,
            employment_type=employment_type, low=Decimal(low * 11), high=Decimal(high * 11),
            usd_low=Decimal(low), usd_high=Decimal(high),
        )  # fmt: skip
    return role


def posting_page(client, role, employment_type) -> str:
    posting = JobPostingFactory(
        role=role, country="NP", level=Level.MID, currency_id="NPR", pay_period="month",
        pay_min=Decimal(100_000), pay_max=Decimal(140_000), employment_type=employment_type,
    )  # fmt: skip
    return text_of(client.get(posting.get_absolute_url()))


@pytest.mark.parametrize("employment_type", ["full_time", "part_time"])
def test_a_salaried_posting_is_never_placed_against_freelance_or_contract_ranges(
    client, role, employment_type
):
    page = posting_page(client, role, employment_type)
    assert "against published estimates" in page
    for label in SALARIED:
        assert label in page
    for label in SELF_EMPLOYED:
        assert label not in page
    assert 'data-testid="range-basis"' not in page


def test_a_postings_ranges_are_shown_in_its_own_currency_and_period(client, role):
    """NPR 1-1.4 lakh a month: its middle, NPR 1.2 lakh, is within the salaried ranges as
    they are quoted (NPR 0.88-1.76 lakh and 1.1-1.54 lakh a month)."""
    page = posting_page(client, role, "full_time")
    table = page[page.index('data-testid="range-placements"') :]
    table = table[: table.index("</table>")]
    assert "NPR 0.88–1.76 lakh per month" in table
    assert "NPR 1.1–1.54 lakh per month" in table
    assert table.count("<strong>within</strong>") == 2


def test_a_salaried_offer_is_never_placed_against_freelance_or_contract_ranges(client, role):
    query = {"role": role.slug, "country": "NP", "amount": "1,20,000", "period": "month"}
    page = text_of(client.get("/offer/", query))
    assert "Against published estimates" in page
    for label in SALARIED:
        assert label in page
    for label in SELF_EMPLOYED:
        assert label not in page


def test_a_freelance_posting_is_compared_with_freelance_ranges_labelled(client, role):
    page = posting_page(client, role, "freelance")
    assert "Basis freelancer, hourly" in page
    assert re.search(r'Basis freelancer, hourly · <span data-testid="range-basis">freelance '
                     r"rate</span>", page)  # fmt: skip
    assert 'data-testid="market-basis"' in page  # and the panel says so
    for label in [*SALARIED, "Basis outsourcing contract"]:
        assert label not in page


def test_the_yardstick_ignores_freelance_and_contract_ranges(role):
    assert figures.typical_yearly_usd(role, "NP") == 12000  # salaried and unstated: the middle
    assert figures.typical_yearly_usd(role, "NP", "full_time") == 12000
    assert figures.typical_yearly_usd(role, "NP", "freelance") == 120000  # only when asked


def test_salaried_survey_figures_leave_freelance_answers_out(db):
    role = RoleFactory(name="Basis Survey Engineer")
    survey = SourceFactory(key="basis-survey", title="A basis survey")
    for employment_type, base in [("full_time", 100_000), ("freelance", 300_000)]:
        for n in range(25):
            value = Decimal(base + 1000 * n)
            SalaryObservationFactory(
                role=role, source=survey, employment_type=employment_type, amount=value,
                yearly_amount=value, usd_yearly=value,
            )  # fmt: skip
    unit = display_unit(Display.LOCAL, "US")
    salaried = figures.market(role, "US", Level.MID, unit, "full_time").figures.summary
    assert salaried.p90 < 200_000
    freelance = figures.market(role, "US", Level.MID, unit, "freelance").figures.summary
    assert freelance.p10 > 200_000
    assert figures.typical_yearly_usd(role, "US", "full_time") < 200_000
