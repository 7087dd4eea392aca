"""A question for figures (salaries.figures.Criteria): its rows and its cache key come from
the same frozen criteria, so two ways of asking the same question share figures and two
different questions never do."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from salaries.figures import Criteria
from salaries.filters import SalaryFilter
from salaries.models import SalaryObservation
from salaries.money import Display, display_unit
from tests.factories import RoleFactory, SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")


def usd():
    return display_unit(Display.USD)


def from_query_string(text: str) -> Criteria:
    filterset = SalaryFilter(QueryDict(text), queryset=SalaryObservation.objects.all())
    assert filterset.is_valid(), filterset.form.errors
    return filterset.criteria()


def test_the_same_criteria_in_another_order_give_one_key():
    role = RoleFactory(name="Data Scientist")
    first = Criteria(usd(), role=role, countries=("NP", "IN"), levels=("senior", "mid"),
                     employment_types=("full_time", "contract"))  # fmt: skip
    second = Criteria(usd(), levels=("mid", "senior", "mid"), countries=("IN", "NP"),
                      employment_types=("contract", "full_time"), role=role)  # fmt: skip
    assert first == second and first.key == second.key
    asked = from_query_string("level=senior&level=mid&display=usd&role=data-scientist&x=1")
    again = from_query_string("role=data-scientist&display=usd&level=mid&level=senior")
    assert asked.key == again.key
    assert asked.key == Criteria.for_group(usd(), role=role, levels=["mid", "senior"]).key


def test_a_different_question_gets_a_different_key():
    role = RoleFactory(name="Data Scientist")
    base = Criteria(usd(), role=role, countries=("NP", "IN"))
    assert base.key != Criteria(usd(), role=role, countries=("NP", "US")).key  # compare
    assert base.key != Criteria(display_unit(Display.PPP), role=role, countries=("NP", "IN")).key
    assert base.key != Criteria(usd(), role=role, countries=("NP", "IN"), pay=(1, None)).key
    pay = from_query_string("pay_min=40000&display=usd").key
    assert pay == from_query_string("pay_min=40000.00&display=usd").key  # one amount


def test_the_rows_follow_the_criteria_the_key_names():
    role = RoleFactory(name="Data Scientist")
    for country, usd_yearly in (("NP", 20_000), ("IN", 30_000), ("US", 150_000)):
        pay = Decimal(usd_yearly)
        SalaryObservationFactory(role=role, employee_country=country, usd_yearly=pay, amount=pay)
    two = Criteria(usd(), role=role, countries=("NP", "IN"))
    assert sorted(two.survey.values_list("employee_country", flat=True)) == ["IN", "NP"]
    paid = from_query_string("role=data-scientist&pay_min=25000&display=usd")
    assert sorted(paid.survey.values_list("employee_country", flat=True)) == ["IN", "US"]


def test_compare_shows_the_countries_asked_for_in_their_order(client):
    role = RoleFactory(name="Data Scientist")
    for country in ("NP", "IN", "US"):
        for i in range(6):
            pay = Decimal(10_000 + i)
            SalaryObservationFactory(
                role=role, employee_country=country, usd_yearly=pay, amount=pay
            )
    pages = {}
    for codes in (["NP", "IN"], ["IN", "NP"], ["NP", "US"]):
        page = client.get("/compare/", {"role": "data-scientist", "countries": codes}).content
        pages[tuple(codes)] = page.decode()
    assert pages[("NP", "IN")].index("Nepal") < pages[("NP", "IN")].index("India")
    assert pages[("IN", "NP")].index("India") < pages[("IN", "NP")].index("Nepal")
    assert "United States" in pages[("NP", "US")] and "India</td>" not in pages[("NP", "US")]


def figure_sql(client) -> list[str]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get("/salaries/", {"country": "NP", "display": "usd"})
    return sorted(q["sql"] for q in captured if "percentile_cont" in q["sql"])


def test_the_figures_sql_does_not_grow_with_the_cells_holding_reports(client):
    from django.contrib.auth.models import User

    from salaries.figures import release
    from salaries.models import SalaryReport

    role = RoleFactory(name="Data Scientist")
    for i in range(6):
        pay = Decimal(10_000 + i)
        SalaryObservationFactory(role=role, employee_country="NP", usd_yearly=pay, amount=pay)
    before = figure_sql(client)
    moderator = User.objects.create_user("mod")
    for country in ("NP", "IN", "PK", "BD"):
        for level in ("mid", "senior"):
            for i in range(6):
                SalaryReport.objects.create(
                    role=role, country=country, level=level, years_experience=3,
                    employment_type="full_time", year=2025, period="year", currency_id="USD",
                    amount=Decimal(20_000 + i),
                ).approve(by=moderator)  # fmt: skip
    release()
    assert figure_sql(client) == before
