"""Attacks on the promise that nobody who gives their pay can be picked out.

Each test plays an attacker against the public pages with reports approved the way a
moderator approves them, and checks that nothing about one person's pay comes back.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from careers.models import Guide
from portal import versions
from salaries.figures import privacy, releases, round_significant
from salaries.models import Level, ReportFigure, Role, SalaryObservation, SalaryReport
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
def test_reports_enter_no_survey_figure_on_any_page(client, moderator, guide, how_many):
    survey_rows(6, country="NP")
    approve(moderator, SUBMITTED[:how_many])  # one cell: role, country, level
    releases.release()
    pages = {name: body(response) for name, response in public_pages(client).items()}
    for name in ("list usd", "landing usd"):
        assert 'data-testid="count">6<' in pages[name], name  # the survey answers alone
        assert "Reports from Talab users:" not in pages[name], name
    # A cell of 5 or 9 is below the release's threshold: it says nothing at all.
    section = pages["landing usd"].split('data-testid="report-figures"')[1]
    assert "Not enough people" in section.split("</section>")[0]
    assert "Fewer than 5 survey answers match" not in pages["export"]
    assert "Talab users" not in pages["export"]


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


def test_the_methodology_page_states_the_rules_and_the_privacy_loss(client):
    page = re.sub(r"\s+", " ", client.get("/methodology/").content.decode())
    assert '"fewer than 5"' in page
    assert "The median needs at least 5 people; the 25th and 75th percentiles at least 10" in page
    assert "rounded to 3 significant digits" in page
    assert "never mixed into the survey's figures" in page
    per_release = f"Privacy loss per release: &epsilon; = {privacy.EPSILON_RELEASE:.0f}, "
    assert per_release + f"&delta; = {privacy.DELTA:g}" in page
    total = f"In total: &epsilon; = {privacy.EPSILON_TOTAL:.0f}, &delta; = {privacy.DELTA_TOTAL:g}"
    assert total in page
    assert "changes the odds of any guess about your pay by at most a factor" in page


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


# 5. Differencing attacks on reports (releases with differential privacy) ---------------------

UNIONS = [["lead"], ["lead", "senior"], ["lead", "entry", "mid"], ["lead", "mid", "senior"], []]


def test_level_unions_against_the_export_solve_for_nothing(client, moderator):
    """The attack that recovered five reports to within 0.3%: every page over a union of levels
    (and the country's page) is compared with the same figures recomputed from the survey rows
    exported one by one. Any difference would be an equation in the reports; there is none."""
    for level, start in ((Level.ENTRY, 8_000), (Level.MID, 15_000), (Level.SENIOR, 30_000)):
        survey_rows(30, country="IN", level=level, start=start, step=700)
    approve(moderator, SUBMITTED[:5], level=Level.LEAD, country="IN")
    releases.release()
    for levels in UNIONS:
        query = {"role": DS, "country": "IN", "display": "usd", "level": levels}
        page = body(client.get("/salaries/", query))
        export = client.get("/salaries/export.csv", query)
        if export.status_code == 400:  # fewer than 5 survey answers: no export, no figure
            assert count_on(page) == "fewer than 5", levels
            continue
        exported = csv.DictReader(io.StringIO(body(export)))
        pays = sorted(Decimal(row["usd_yearly"]) for row in exported)
        assert count_on(page) == f"{len(pays):,}", levels  # the page's people are the export's
        if len(pays) >= 5:
            n = len(pays)  # the survey's own median, as PostgreSQL's percentile_cont gives it
            middle = (pays[(n - 1) // 2] + pays[n // 2]) / 2
            shown = f"${round_significant(middle):,.0f}"
            assert f'data-testid="median">{shown}<' in page, levels


def test_a_sixth_report_and_a_one_report_difference_move_nothing(
    client, moderator, django_capture_on_commit_callbacks
):
    """A sixth report once moved the median and the year span by exactly its own value. Now a
    cell's figures are released, and computed again only when the cell grew by half."""
    landing = f"/salaries/{DS}/np/"
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, [2_000_000 + 10_000 * i for i in range(5)])
        releases.release()
    five = body(client.get(landing, {"display": "usd"}))
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, [3_456_789])
    assert body(client.get(landing, {"display": "usd"})) == five  # until the release
    with django_capture_on_commit_callbacks(execute=True):
        releases.release()
    assert body(client.get(landing, {"display": "usd"})) == five  # below the threshold still
    # A large cell: the 41st report is a one-report difference the release does not compute.
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, [2_000_000 + 5_000 * i for i in range(34)])
        releases.release()
    figure = ReportFigure.objects.get()
    forty = body(client.get(landing, {"display": "usd"}))
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, [9_876_543])
        releases.release()
    again = ReportFigure.objects.get()
    assert (again.release_id, again.shown_figures) == (figure.release_id, figure.shown_figures)
    assert body(client.get(landing, {"display": "usd"})) == forty
    assert "2023" not in forty.split('data-testid="report-figures"')[1].split("</section>")[0]


def test_a_sybil_probe_loop_cannot_find_the_victims_pay(
    client, moderator, django_capture_on_commit_callbacks
):
    """Four reports of the attacker's own beside the victim's, then probes sent, approved and
    withdrawn one at a time across two releases: 18 probes once gave the victim's pay exactly."""
    victim = 3_456_789
    approve(moderator, [victim])
    approve(moderator, [2_000_000, 2_500_000, 4_000_000, 5_000_000])
    landing = f"/salaries/{DS}/np/"
    seen = set()
    for probe in range(30):
        with django_capture_on_commit_callbacks(execute=True):
            (observation,) = approve(moderator, [3_000_000 + 20_000 * probe])
            observation.report.withdraw()
            if probe in (14, 29):
                releases.release()
        seen.add(report_part(body(client.get(landing, {"display": "local"}))))
    assert len(seen) == 1  # every probe saw the same page: nothing to solve
    for text in seen:
        for shown in numbers_in(text):
            assert not abs(shown - victim) <= 0.1 * victim, shown


def report_part(page: str) -> str:
    return page.split('data-testid="report-figures"')[1].split("</section>")[0]


def test_approving_and_withdrawing_move_no_page_and_no_cache_entry_until_the_release(
    client, moderator, django_capture_on_commit_callbacks
):
    survey_rows(20, country="NP")
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, [2_000_000 + 10_000 * i for i in range(30)])
        releases.release()
    urls = [
        f"/salaries/{DS}/np/",
        f"/salaries/{DS}/",
        "/salaries/?country=NP",
        "/",
        "/methodology/",
    ]
    scopes = versions.scopes_of_group(DS, "NP")
    before = [body(client.get(url)) for url in urls], versions.stamp(*scopes)
    with django_capture_on_commit_callbacks(execute=True):
        (observation,) = approve(moderator, [3_456_789])
        SalaryReport.objects.order_by("pk").first().withdraw()
    assert ([body(client.get(url)) for url in urls], versions.stamp(*scopes)) == before
    first = ReportFigure.objects.get().release_id
    releases.release()  # a withdrawal: the cell is computed again, without it
    assert ReportFigure.objects.get().release_id != first
    assert ReportFigure.objects.get().members == 30
