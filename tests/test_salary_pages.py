import csv
import io
import json
import re
from decimal import Decimal

import pytest

from salaries.models import Level, Role, SalaryObservation
from salaries.money import format_money
from tests.factories import RoleFactory, SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")

MLE = "machine-learning-engineer"
LIST = "/salaries/"
LANDING = f"/salaries/{MLE}/np/"
COMPARE = "/compare/"
EXPORT = "/salaries/export.csv"


def observe(count, country="NP", level=Level.MID, usd=10_000, step=100, **fields):
    role = Role.objects.get(slug=MLE)
    for i in range(count):
        value = Decimal(usd + i * step)
        SalaryObservationFactory(
            role=role,
            employee_country=country,
            level=level,
            amount=value,
            usd_yearly=value,
            ppp_yearly=value * 3,
            **fields,
        )


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_list_page_shows_statistics_sources_and_reports(client):
    observe(21, step=111)
    response = client.get(LIST, {"role": MLE, "country": "NP", "display": "usd"})
    assert response.status_code == 200
    page = text_of(response)
    assert 'data-testid="count">21<' in page
    assert "$11,100" in page  # median of 10,000 ... 12,220 in steps of 111 is 11,110
    assert "How pay is spread" in page and "<svg" in page
    assert "What published sources say" in page
    assert "Machine Learning Engineer Salary in Nepal and Abroad" in page  # the citation
    assert (
        page.count('<tr> <td class="row-label"><a href="/salaries/machine-learning-engineer/">')
        == 21
    )


def test_local_currency_keeps_local_pay_as_reported_and_states_the_rate(client):
    from salaries.models import Currency

    npr = Currency.objects.get(code="NPR")
    role = Role.objects.get(slug=MLE)
    for _ in range(5):  # NPR 1,00,000 a month, whatever the dollar did since
        SalaryObservationFactory(
            role=role, employee_country="NP", currency=npr, period="month",
            amount=Decimal(100_000), yearly_amount=Decimal(1_200_000), usd_yearly=Decimal(1),
        )  # fmt: skip
    observe(1, usd=1_000_000)  # one report paid in dollars: converted at the stated rate
    page = text_of(client.get(LIST, {"country": "NP"}))
    assert "NPR 12 lakh" in page  # the median, exactly as reported
    rate = re.search(r"others converted at ([\d.]+) per US dollar \(as of \d+ \w+ 20\d\d", page)
    assert rate
    converted = format_money(Decimal(1_000_000) * Decimal(rate.group(1)), "NPR")
    assert converted in page  # the dollar report's row, in rupees


def test_ppp_view_uses_the_adjusted_column(client):
    observe(6)
    page = text_of(client.get(LIST, {"country": "NP", "display": "ppp"}))
    assert "Int$30,800" in page  # median 10,250 x 3, to 3 significant figures
    assert "purchasing-power factor" in page


def test_fewer_than_five_reports_show_no_figure_and_no_exact_count(client):
    observe(4)
    response = client.get(LIST, {"country": "NP"})
    page = text_of(response)
    assert "Not enough reports yet" in page
    assert 'data-testid="count">fewer than 5<' in page
    assert "Median" not in page and "How pay is spread" not in page
    assert 'data-testid="reports"' not in page  # no individual rows either


def test_filtered_to_nothing_looks_like_a_few(client):
    observe(6)
    observe(1, country="IS")
    one = text_of(client.get(LIST, {"country": "IS"}))
    assert 'data-testid="count">fewer than 5<' in one and "Not enough reports yet" in one
    none = text_of(client.get(LIST, {"country": "IS", "level": "senior"}))
    assert 'data-testid="count">fewer than 5<' in none


def test_filters_narrow_the_reports(client):
    observe(6, level=Level.MID, usd=10_000)
    observe(7, level=Level.SENIOR, usd=50_000)
    page = text_of(client.get(LIST, {"country": "NP", "level": "senior", "display": "usd"}))
    assert 'data-testid="count">7<' in page
    assert "$50,300" in page  # the median, exactly 50,300
    page = text_of(client.get(LIST, {"country": "NP", "pay_min": "50100", "display": "usd"}))
    assert 'data-testid="count">6<' in page


def test_sorting_and_pagination_keep_the_query(client):
    observe(30)
    response = client.get(LIST, {"country": "NP", "sort": "-pay", "per_page": 25, "page": 2})
    page = text_of(response)
    assert "Page 2 of 2" in page
    assert "sort=-pay" in page and "per_page=25" in page
    assert (
        page.count('<tr> <td class="row-label"><a href="/salaries/machine-learning-engineer/">')
        == 5
    )


BAD_QUERIES = {
    "unknown codes": {"country": "ZZ", "role": "no-such-role", "level": "wizard"},
    "reversed ranges": {"year_min": "2025", "year_max": "2020", "pay_min": "9", "pay_max": "1"},
    "huge numbers": {"year_min": "99999999999999999999", "pay_max": "1e400"},
    "negative numbers": {"experience_min": "-3", "pay_min": "-100"},
    "junk": {"pay_min": "lots", "year_max": "<script>alert(1)</script>", "display": "\x00"},
    "repeated keys": {"country": ["NP", "ZZ"], "year_min": ["2020", "x"]},
    "bad page": {"page": "-1", "per_page": "100000", "sort": "'; DROP TABLE"},
}


@pytest.mark.parametrize("kind", BAD_QUERIES)
@pytest.mark.parametrize("url", [LIST, LANDING, EXPORT])
def test_bad_query_strings_never_give_a_500(client, url, kind):
    observe(6)
    response = client.get(url, BAD_QUERIES[kind])
    assert response.status_code in (200, 400)
    if kind != "repeated keys" or url != EXPORT:
        assert b"<script>alert" not in response.content
    if response.status_code == 400 or kind in ("unknown codes", "reversed ranges", "junk"):
        assert b"errorlist" in response.content or b"need fixing" in response.content


def test_a_reversed_range_is_reported_beside_the_field(client):
    page = text_of(client.get(LIST, {"year_min": "2025", "year_max": "2020"}))
    assert "The highest year is below the lowest." in page
    assert 'value="2025"' in page  # what the visitor typed is kept


@pytest.mark.parametrize(
    "query",
    [
        {"role": MLE, "countries": ["ZZ", "US"]},
        {"role": "nope", "countries": ["US", "IN"]},
        {"role": MLE, "countries": ["US"]},
        {"role": MLE, "countries": ["US", "IN"], "levels": ["boss"]},
        {"role": MLE, "countries": ["US", "IN", "GB", "DE", "FR", "NP", "CA"]},
    ],
)
def test_compare_rejects_bad_input_with_a_message(client, query):
    response = client.get(COMPARE, query)
    assert response.status_code == 200
    assert b"errorlist" in response.content


def test_landing_page_has_headline_breakdowns_citations_and_metadata(client):
    observe(12, level=Level.MID, step=1234)
    observe(10, level=Level.SENIOR, usd=40_000, step=777)
    response = client.get(LANDING, {"display": "usd"})
    page = text_of(response)
    assert "<title>Machine Learning Engineer salary in Nepal · Talab</title>" in page
    assert (
        '<link rel="canonical" href="http://testserver/salaries/machine-learning-engineer/np/">'
        in page
    )
    assert 'name="description" content="Machine Learning Engineers in Nepal earn a median' in page
    assert "By level" in page and "By year" in page
    assert "By city" not in page  # no city is recorded: no empty section
    assert "NPR 0.7–1.6 lakh per month" in page  # the seed range, as published
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page).group(1))
    assert ld["@type"] == "Occupation" and ld["name"] == "Machine Learning Engineer"
    distribution = ld["estimatedSalary"]
    assert distribution["@type"] == "MonetaryAmountDistribution"
    assert distribution["currency"] == "USD" and distribution["duration"] == "P1Y"
    assert distribution["percentile10"] <= distribution["median"] <= distribution["percentile90"]
    for name in ("percentile10", "percentile25", "median", "percentile75", "percentile90"):
        assert distribution[name] == float(f"{distribution[name]:.3g}"), name  # 3 digits


def test_structured_data_states_only_the_percentiles_the_page_may_show(client):
    observe(7)
    page = text_of(client.get(LANDING, {"display": "usd"}))
    distribution = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page).group(1))[
        "estimatedSalary"
    ]
    assert distribution["median"] == 10300  # 10,300 is the exact median of the 7
    assert not {"percentile10", "percentile25", "percentile75", "percentile90"} & set(distribution)


def test_landing_page_without_enough_data_has_no_structured_salary(client):
    page = text_of(client.get(LANDING))
    assert "Not enough reports yet" in page
    assert "application/ld+json" not in page
    assert "Published estimates for Nepal" in page


@pytest.mark.parametrize(
    "url", [f"/salaries/{MLE}/zz/", "/salaries/no-such-role/", f"/salaries/{MLE}/NP/"]
)
def test_unknown_role_or_country_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_compare_shows_countries_side_by_side_in_usd_and_ppp(client):
    observe(6, country="NP", usd=10_000)
    observe(8, country="IN", usd=20_000)
    response = client.get(COMPARE, {"role": MLE, "countries": ["NP", "IN"]})
    page = text_of(response)
    assert "In US dollars" in page and "Adjusted for purchasing power" in page
    assert "$10,300" in page and "$20,400" in page  # 10,250 and 20,350, to 3 digits
    assert "Int$30,800" in page
    assert page.index("Nepal") < page.index("India")  # the order the visitor chose
    assert "Machine Learning Engineer Salary Trends" in page  # India's published ranges


def test_csv_export_has_public_fields_only_and_the_small_sample_rule(client):
    observe(6)
    response = client.get(EXPORT, {"country": "NP"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6
    assert "source_key" not in rows[0] and "import_batch" not in rows[0]
    assert rows[0]["role"] == "Machine Learning Engineer" and rows[0]["employee_country"] == "NP"
    refused = client.get(EXPORT, {"country": "NP", "level": "senior"})
    assert refused.status_code == 400
    assert b"at least 5" in refused.content


def test_sitemap_lists_landing_pages_with_data(client):
    observe(5, country="IN")
    observe(1, country="BR")  # one report is not a page worth listing
    RoleFactory(name="Underwater Basket Weaver")
    body = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/salaries/machine-learning-engineer/" in body
    assert "http://testserver/salaries/machine-learning-engineer/in/" in body
    assert "http://testserver/salaries/machine-learning-engineer/np/" in body  # seed ranges
    assert "underwater-basket-weaver" not in body
    assert "/machine-learning-engineer/br/" not in body


def test_methodology_states_the_rules_and_lists_sources(client):
    page = text_of(client.get("/methodology/"))
    assert "percentile_cont" in page and "2,080" in page
    assert "aijobs.net salaries" in page and "CC0" in page


@pytest.mark.parametrize(
    "url, query",
    [
        (LIST, {"country": "NP"}),
        (LANDING, {}),
        (f"/salaries/{MLE}/", {}),
        (COMPARE, {"role": MLE, "countries": ["NP", "IN", "US"], "levels": ["mid", "senior"]}),
    ],
)
def test_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks, url, query
):
    observe(25, country="NP")  # enough for every figure, the histogram too
    observe(25, country="IN")
    observe(25, country="US")
    # Cold: figures computed and remembered (each remembered figure costs about five cache
    # queries besides its own); what matters is that the count does not grow with the data.
    with django_assert_max_num_queries(80) as few:
        client.get(url, query)
    with django_capture_on_commit_callbacks(execute=True):  # retires remembered figures
        SalaryObservationFactory.create_batch(
            150, role=Role.objects.get(slug=MLE), employee_country="NP", ppp_yearly=Decimal(1)
        )
        for country in ("IN", "US"):
            observe(40, country=country, level=Level.SENIOR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, query)
    assert response.status_code == 200
    assert SalaryObservation.objects.count() > 200


def test_home_page_links_roles_with_enough_reports_and_the_key_question(client):
    observe(5, country="IN")
    RoleFactory(name="Prompt Whisperer")
    SalaryObservationFactory(role=Role.objects.get(name="Prompt Whisperer"))
    page = text_of(client.get("/"))
    assert '<a href="/salaries/machine-learning-engineer/">Machine Learning Engineer</a>' in page
    assert "Prompt Whisperer" not in page  # one report is not enough to feature
    assert "/compare/?role=machine-learning-engineer&amp;countries=NP" in page


def test_ppp_landing_page_emits_no_empty_structured_data(client):
    observe(6)
    page = text_of(client.get(LANDING, {"display": "ppp"}))
    assert "application/ld+json" not in page
    assert re.search(r"Nepal 20\d\d: [\d.]+ NPR per international dollar", page)


def test_head_requests_are_answered(client):
    assert client.head(LANDING).status_code == 200
    assert client.head("/").status_code == 200


def test_cities_with_the_same_name_in_different_countries_stay_apart(client):
    from salaries.models import City

    role = Role.objects.get(slug=MLE)
    for country in ("GB", "CA"):
        city = City.objects.create(name="London", country=country)
        for i in range(5):
            SalaryObservationFactory(
                role=role, employee_country=country, city=city, usd_yearly=Decimal(1000 + i)
            )
    page = text_of(client.get(f"/salaries/{MLE}/"))
    assert '<td class="row-label">London, GB</td>' in page
    assert '<td class="row-label">London, CA</td>' in page


def test_csv_export_quotes_text_a_spreadsheet_would_run(client):
    role = RoleFactory(name="=HYPERLINK(1)")
    SalaryObservationFactory.create_batch(5, role=role)
    body = b"".join(client.get(EXPORT, {"role": role.slug}).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_compare_shows_published_ranges_of_the_chosen_levels_only(client):
    page = text_of(
        client.get(COMPARE, {"role": MLE, "countries": ["IN", "US"], "levels": "senior"})
    )
    assert "India, senior" in page
    assert "India, entry-level" not in page


def test_list_query_count_does_not_depend_on_page_size(client, django_assert_max_num_queries):
    observe(120)
    with django_assert_max_num_queries(60) as small:
        client.get(LIST, {"country": "NP", "per_page": 25})
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST, {"country": "NP", "per_page": 100})
    assert (
        text_of(response).count(
            '<tr> <td class="row-label"><a href="/salaries/machine-learning-engineer/">'
        )
        == 100
    )


def test_survey_figures_never_count_reports_sent_to_talab(client):
    from salaries.models import Source

    observe(6)
    users = Source.objects.get(key="user-reports")
    observe(5, usd=90_000, source=users)
    for query in ({}, {"level": ["senior", "lead", "entry", "mid", "executive"]}):
        page = text_of(client.get(LIST, {"country": "NP", "display": "usd", **query}))
        assert 'data-testid="count">6<' in page  # the survey answers alone, whatever the filter
        assert "Reports from Talab users:" not in page  # not among the panel's sources
    assert (
        page.count('<tr> <td class="row-label"><a href="/salaries/machine-learning-engineer/">')
        == 6
    )
    rows = b"".join(client.get(EXPORT, {"country": "NP"}).streaming_content).decode()
    assert "Reports from Talab users" not in rows and len(rows.strip().splitlines()) == 7


def test_figures_are_remembered_until_the_data_changes(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    observe(6)
    first = text_of(client.get(LANDING, {"display": "usd"}))
    assert 'data-testid="count">6<' in first
    # A repeat reads the figures from the cache (the open jobs beside them are read fresh).
    with django_assert_max_num_queries(13):
        client.get(LANDING, {"display": "usd"})
    with django_capture_on_commit_callbacks(execute=True) as retired:
        observe(3, usd=80_000)  # a new report retires every remembered figure...
        unchanged = text_of(client.get(LANDING, {"display": "usd"}))
        assert 'data-testid="count">6<' in unchanged  # ...once it is committed, not before
    assert retired
    again = text_of(client.get(LANDING, {"display": "usd"}))
    assert 'data-testid="count">9<' in again


def test_an_import_retires_remembered_figures(client, tmp_path, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    observe(6)
    assert 'data-testid="count">6<' in text_of(client.get(LANDING))
    path = tmp_path / "more.csv"
    path.write_text(
        "job_title,country,year,amount,currency,period\n"
        + "Machine Learning Engineer,NP,2025,150000,NPR,month\n" * 2
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_salaries", str(path), "--source", "aijobs", stdout=io.StringIO())
    assert 'data-testid="count">8<' in text_of(client.get(LANDING))
