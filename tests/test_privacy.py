"""Attacks on the promise that nobody who gives their pay can be picked out.

Each test plays an attacker against the public pages with reports approved the way a
moderator approves them, and checks that nothing about one person's pay comes back.
"""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from careers.models import Guide
from salaries.figures import round_significant
from salaries.models import Level, Role, SalaryObservation, SalaryReport
from salaries.money import format_money
from tests.factories import (
    JobPostingFactory,
    RoleFactory,
    SalaryObservationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.usefixtures("reference_data")

DS = "data-scientist"
# Yearly pay in rupees, each with more than 3 significant figures in every unit.
SUBMITTED = [1_234_567, 2_345_678, 3_456_789, 4_567_891, 5_678_912, 1_876_543, 2_987_654,
             3_198_765, 4_321_987]  # fmt: skip


@pytest.fixture
def moderator(db):
    return User.objects.create_user("mod", is_staff=True)


def approve(moderator, amounts, level=Level.MID, country="NP", role="Data Scientist"):
    """Reports sent through the form's model and approved as a moderator approves them."""
    role = RoleFactory(name=role)
    observations = []
    for amount in amounts:
        report = SalaryReport.objects.create(
            role=role, country=country, level=level,
            years_experience=4, employment_type="full_time", year=2025, period="year",
            currency_id="NPR", amount=Decimal(amount),
        )  # fmt: skip
        observations.append(report.approve(by=moderator))
    return observations


def numbers_in(text: str) -> list[float]:
    """Every number a page shows, grouping commas (1,50,000 and 150,000) removed."""
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def submitted_values(observations) -> list[float]:
    """Each report's pay in every unit a page can show it in."""
    values = []
    for o in observations:
        values += [float(v) for v in (o.yearly_amount, o.usd_yearly, o.ppp_yearly) if v]
    return values


def assert_no_value_more_precise_than_stated(text: str, values, where: str):
    for shown in numbers_in(text):
        for value in values:
            if abs(shown - value) <= 0.006 * value:  # within rounding distance of someone's pay
                assert shown == round_significant(shown), f"{where}: {shown} is near {value}"


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# 1. Bisection on the pay filter --------------------------------------------------------------


def without(text: str, typed: str) -> str:
    """A response with the filter value the visitor typed taken out (the form echoes it)."""
    return re.sub(r"\s+", " ", text.replace(typed, "TYPED"))


@pytest.mark.parametrize("bound", ["pay_min", "pay_max"])
def test_a_pay_filter_one_cent_either_side_of_a_report_changes_nothing(
    client, moderator, bound, django_capture_on_commit_callbacks
):
    role = RoleFactory(name="Data Scientist")
    for i in range(40):  # survey answers, none between 20,000 and 30,000 dollars
        usd = Decimal(10_000 + 500 * i) if i < 20 else Decimal(30_000 + 500 * i)
        SalaryObservationFactory(
            role=role, employee_country="NP", level=Level.SENIOR, usd_yearly=usd, amount=usd
        )
    with django_capture_on_commit_callbacks(execute=True):
        (report,) = approve(moderator, [3_123_456], level=Level.SENIOR)
    value = report.usd_yearly
    assert 20_000 < value < 30_000
    below, above = str(value - Decimal("0.01")), str(value + Decimal("0.01"))
    urls = [
        "/salaries/",
        f"/salaries/{DS}/np/",
        f"/salaries/{DS}/",
        "/salaries/export.csv",
    ]
    query = {"role": DS, "country": "NP", "level": "senior", "display": "usd"}
    for url in urls:
        first = client.get(url, {**query, bound: below})
        second = client.get(url, {**query, bound: above})
        assert first.status_code == second.status_code == 200, url
        assert without(body(first), below) == without(body(second), above), url
        assert not re.search(r"Sources:[^<]*Talab users", body(first)), url
    # A lone report among survey answers counts nowhere, with or without a pay filter.
    page = body(client.get("/salaries/", query))
    assert 'data-testid="count">40<' in page


def test_the_export_cannot_be_differenced_against_pay_filtered_figures(client, moderator):
    role = RoleFactory(name="Data Scientist")
    for i in range(12):
        usd = Decimal(10_000 + 1_000 * i)
        SalaryObservationFactory(role=role, employee_country="NP", usd_yearly=usd, amount=usd)
    (report,) = approve(moderator, [2_500_000])
    assert report.usd_yearly > 15_000  # the report is inside the filtered range
    query = {"role": DS, "country": "NP", "display": "usd", "pay_min": "15000"}
    page = body(client.get("/salaries/", query))
    rows = body(client.get("/salaries/export.csv", query)).strip().splitlines()[1:]
    count = re.search(r'data-testid="count">([^<]+)<', page).group(1)
    assert count == str(len(rows))  # the page's figures rest on exactly the exported rows


# 2. Five, then nine, reports: none of their values comes back ---------------------------------


def public_pages(client):
    """Every kind of public URL that can show the data scientists of Nepal."""
    pages = {}
    for display in ("local", "usd", "ppp"):
        pages[f"list {display}"] = ("/salaries/", {"role": DS, "country": "NP", "display": display})
        pages[f"landing {display}"] = (f"/salaries/{DS}/np/", {"display": display})
    for display in ("usd", "ppp"):
        pages[f"role anywhere {display}"] = (f"/salaries/{DS}/", {"display": display})
    pages["compare"] = ("/compare/", {"role": DS, "countries": ["NP", "IN"]})
    pages["compare by level"] = (
        "/compare/",
        {"role": DS, "countries": ["NP", "IN"], "levels": ["mid", "senior"]},
    )
    pages["export"] = ("/salaries/export.csv", {"role": DS, "country": "NP"})
    pages["sitemap"] = ("/sitemap.xml", {})
    pages["home"] = ("/", {})
    pages["guide"] = ("/guides/data-scientists-in-nepal/", {})
    return {name: client.get(url, query) for name, (url, query) in pages.items()}


@pytest.fixture
def guide(db):
    return Guide.objects.create(
        title="Data scientists in Nepal",
        slug="data-scientists-in-nepal",
        role=RoleFactory(name="Data Scientist"),
        country="NP",
        summary="Pay and work.",
        body="Data scientists here earn [[median role=data-scientist country=np]].\n\n"
        "[[figures role=data-scientist country=np by=level]]\n\n"
        "[[compare role=data-scientist countries=np,in unit=ppp]]\n",
        status="published",
        published_on=date(2026, 1, 1),
    )


@pytest.mark.parametrize("how_many", [5, 9])
def test_no_submitted_value_appears_anywhere_more_precisely_than_the_rounding(
    client, moderator, guide, how_many
):
    observations = approve(moderator, SUBMITTED[:how_many])  # one cell: role, country, level
    values = submitted_values(observations)
    for name, response in public_pages(client).items():
        assert response.status_code in (200, 400), name
        text = body(response)
        assert_no_value_more_precise_than_stated(text, values, name)
        for exact in SUBMITTED[:how_many]:
            assert f"{exact:,}" not in text and str(exact) not in text, name


@pytest.mark.parametrize("how_many", [5, 9])
def test_a_group_of_five_to_nine_shows_only_its_count_and_rounded_median(
    client, moderator, guide, how_many
):
    observations = approve(moderator, SUBMITTED[:how_many])  # one cell: role, country, level
    pages = {name: body(response) for name, response in public_pages(client).items()}
    values = sorted(o.usd_yearly for o in observations)
    median = values[len(values) // 2]  # an odd count: the middle report itself
    shown_median = f"${round_significant(median):,.0f}"

    for name in ("list usd", "landing usd"):
        page = pages[name]
        assert f'data-testid="count">{how_many}<' in page, name
        assert f'data-testid="median">{shown_median}<' in page, name
        assert "Middle half" not in page and "10th–90th" not in page, name
        assert "How pay is spread" not in page, name
        # The other levels hold nobody: never an exact count under 5 beside a level.
        assert not re.search(r'<td class="num"[^>]*>[1-4]</td>', page), name
        assert f"Reports from Talab users: {how_many}." in page, name

    ld = json.loads(re.search(r'ld\+json">(.*?)</script>', pages["landing usd"]).group(1))
    assert ld["estimatedSalary"]["median"] == round_significant(median)
    assert not {"percentile10", "percentile25", "percentile75", "percentile90"} & set(
        ld["estimatedSalary"]
    )
    assert shown_median in pages["compare"]
    assert (
        f'Nepal</td> <td class="num" data-label="People">{how_many}</td> '
        '<td class="num" data-label="25th pct.">–</td>' in re.sub(r"\s+", " ", pages["compare"])
    )
    assert "Fewer than 5 survey answers match" in pages["export"]  # reports are never exported
    assert "/salaries/data-scientist/np/" in pages["sitemap"]
    rupees = sorted(o.yearly_amount for o in observations)[len(observations) // 2]
    assert format_money(round_significant(rupees), "NPR") in pages["guide"]  # local currency
    assert "Middle half" not in pages["guide"]
    assert SalaryObservation.objects.count() == how_many


def test_counts_under_five_read_the_same_for_one_and_four(
    client, moderator, django_capture_on_commit_callbacks
):
    pages = []
    for amounts in ([2_000_000], [2_100_000, 2_200_000, 2_300_000]):
        with django_capture_on_commit_callbacks(execute=True):
            approve(moderator, amounts)
        pages.append(body(client.get("/salaries/", {"role": DS, "country": "NP"})))
    one, four = (re.sub(r"\s+", " ", page) for page in pages)
    assert SalaryObservation.objects.count() == 4
    assert one == four
    assert 'data-testid="count">fewer than 5<' in one


def test_the_methodology_page_states_the_rules(client):
    page = re.sub(r"\s+", " ", client.get("/methodology/").content.decode())
    assert '"fewer than 5"' in page
    assert "The median needs at least 5 people; the 25th and 75th percentiles at least 10" in page
    assert "rounded to 3 significant digits" in page
    assert "leave reports sent to Talab out and rest on survey answers alone" in page
    assert "only when at least 5 reports share its role, country and level" in page


# 3. One report among published survey answers ------------------------------------------------


def survey_rows(count, country="PT", level=Level.MID, start=30_000, step=1_000):
    role = RoleFactory(name="Data Scientist")
    survey = SourceFactory(key="survey", title="A survey")
    for i in range(count):
        usd = Decimal(start + step * i)
        SalaryObservationFactory(
            role=role, source=survey, employee_country=country, level=level, usd_yearly=usd,
            amount=usd, years_experience=3, remote_ratio=0,
        )  # fmt: skip


def count_on(page: str) -> str:
    return re.search(r'data-testid="count">([^<]+)<', page).group(1)


@pytest.mark.parametrize(
    "filters",
    [{}, {"level": "mid"}, {"year_min": "2020"}, {"remote": "0"}, {"experience_max": "60"}],
)
def test_one_report_among_survey_answers_counts_nowhere(client, moderator, filters):
    """The survey answers are exported row by row, so a figure over them and one report
    would give the report away by difference (the median of 43 is the report itself)."""
    survey_rows(42)
    (report,) = approve(moderator, [6_500_000], country="PT")
    query = {"role": DS, "country": "PT", "display": "usd", **filters}
    page = body(client.get("/salaries/", query))
    exported = body(client.get("/salaries/export.csv", query)).strip().splitlines()[1:]
    assert count_on(page) == str(len(exported))  # the figures rest on exactly the export
    assert not re.search(r"Sources:[^<]*Talab users", page)
    assert f"${round_significant(report.usd_yearly):,.0f}" not in page


def test_five_reports_in_a_group_count_and_say_so(client, moderator):
    survey_rows(20)
    approve(moderator, SUBMITTED[:5], country="PT")
    page = body(client.get("/salaries/", {"role": DS, "country": "PT", "display": "usd"}))
    assert count_on(page) == "25"
    assert "Reports from Talab users: 5." in page


def test_a_report_counts_only_once_its_role_country_and_level_hold_five(client, moderator):
    survey_rows(12, level=Level.SENIOR)
    approve(moderator, SUBMITTED[:5], level=Level.MID, country="PT")
    approve(moderator, SUBMITTED[5:6], level=Level.SENIOR, country="PT")
    landing = re.sub(r"\s+", " ", body(client.get(f"/salaries/{DS}/pt/", {"display": "usd"})))
    # 12 survey answers and the 5 mid-level reports: the lone senior report counts nowhere,
    # not even in the country's total, whose change on approval would give it away.
    assert 'data-testid="count">17<' in landing
    assert '<td class="row-label">Mid</td> <td class="num" data-label="People">5</td>' in landing
    # The senior row holds one report: it shows the 12 survey answers alone.
    assert '<td class="row-label">Senior</td> <td class="num" data-label="People">12</td>' in (
        landing
    )


def test_filters_other_than_role_country_and_level_leave_reports_out(client, moderator):
    approve(moderator, SUBMITTED[:6], country="NP")
    whole = body(client.get("/salaries/", {"role": DS, "country": "NP"}))
    assert count_on(whole) == "6"
    for narrowing in ({"experience_max": "22"}, {"year_min": "2024"}, {"remote": "0"}):
        page = body(client.get("/salaries/", {"role": DS, "country": "NP", **narrowing}))
        assert count_on(page) == "fewer than 5", narrowing
        assert "Median" not in page


def test_the_histogram_counts_survey_answers_only(client, moderator):
    survey_rows(20)
    approve(moderator, SUBMITTED[:5], country="PT")
    page = body(client.get("/salaries/", {"role": DS, "country": "PT", "display": "usd"}))
    assert count_on(page) == "25"
    assert "20 survey answers in all" in page  # the 5 reports are not in the pay bands


def test_repeated_and_inert_parameters_share_the_remembered_figures(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey_rows(6)
    client.get("/salaries/", {"role": DS, "level": "mid"})
    with CaptureQueriesContext(connection) as captured:  # the same remembered figures
        client.get("/salaries/", {"role": DS, "level": ["mid", "mid"], "pay_basis": "base"})
    assert not [q for q in captured if "percentile_cont" in q["sql"].lower()]


# 4. Counts outside the panels follow the same rules -------------------------------------------


def test_lists_totals_sitemap_and_sources_do_not_count_a_lone_report(client, moderator):
    survey_rows(4, country="PT")
    approve(moderator, [6_500_000], country="PT")
    listing = body(client.get("/salaries/"))
    assert "Data Scientist (" not in listing  # 4 survey answers: not an option yet
    assert "/salaries/data-scientist/pt/" not in body(client.get("/sitemap.xml"))
    home = body(client.get("/"))
    assert re.search(r"<p class=\"muted\">4 individual reports", home)
    methodology = re.sub(r"\s+", " ", body(client.get("/methodology/")))
    assert re.search(r"Reports from Talab users.*?<td class=\"num\">fewer than 5</td>", methodology)


def test_a_source_kind_cannot_be_changed_once_set(admin_client):
    from salaries.models import Source

    users = Source.objects.get(key="user-reports")
    url = f"/admin/salaries/source/{users.pk}/change/"
    admin_client.post(url, {"title": "Reports", "kind": "survey", "year": 2026})
    users.refresh_from_db()
    assert users.kind == "user_report"


def test_approving_a_report_in_a_small_cell_changes_no_public_figure(
    client, moderator, django_capture_on_commit_callbacks
):
    """Before and after one approval, the country's figures would differ by that one report."""
    survey_rows(20)
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, SUBMITTED[:5], country="PT")  # data scientists: a full cell
        data_engineer = RoleFactory(name="Data Engineer")  # a page, and no report yet
        postings = [
            JobPostingFactory(role=role, country="PT", level=Level.MID, currency_id="EUR",
                              pay_min=Decimal(40_000), pay_max=Decimal(60_000))
            for role in (Role.objects.get(name="Data Scientist"), data_engineer)
        ]  # fmt: skip
        Guide.objects.create(
            title="Data in Portugal", slug="data-in-portugal", role=data_engineer, country="PT",
            summary="s", status="published", published_on=date(2026, 1, 1),
            body="[[median role=data-engineer country=pt level=mid]] and "
            "[[count role=data-engineer country=pt]].\n\n"
            "[[roles roles=data-engineer,data-scientist country=pt]]\n",
        )  # fmt: skip
    urls = [
        *(posting.get_absolute_url() for posting in postings),  # job market panels
        "/guides/data-in-portugal/",  # figures inside a guide's prose
        "/search/?q=data+engineer+portugal",  # the counts search shows
        "/salaries/?country=PT&display=local",
        "/salaries/?country=PT&level=mid&display=usd",
        "/salaries/data-engineer/pt/",
        "/",
        "/salaries/",
        "/sitemap.xml",
        "/methodology/",
    ]

    def seen(url):  # what a visitor and their browser see: the page and its validators
        response = client.get(url)
        return body(response), response.get("ETag"), response.get("Last-Modified")

    before = [seen(url) for url in urls]
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, [4_321_098], country="PT", role="Data Engineer")
    after = [seen(url) for url in urls]
    for url, old, new in zip(urls, before, after, strict=True):
        assert old == new, url
