import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from salaries.models import (
    Currency,
    ExchangeRate,
    Level,
    Period,
    PublishedPayGap,
    PublishedRange,
    PurchasingPowerFactor,
    Source,
)
from tests.factories import PublishedRangeFactory, SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")


def counts():
    models = [
        Currency,
        ExchangeRate,
        PurchasingPowerFactor,
        Source,
        PublishedRange,
        PublishedPayGap,
    ]
    return [model.objects.count() for model in models]


def test_loading_twice_changes_nothing():
    before = counts()
    call_command("load_reference_data")
    assert counts() == before


def test_every_currency_we_need_has_rates_and_the_seed_countries_have_ppp_factors():
    needed = {"NPR", "INR", "USD", "CAD", "GBP", "EUR", "AED", "CHF", "PLN", "AUD", "BRL"}
    rated = set(ExchangeRate.objects.values_list("currency", flat=True))
    assert needed <= rated
    countries = set(PurchasingPowerFactor.objects.values_list("country", flat=True))
    assert {"NP", "IN", "US", "CA", "GB", "DE", "AE"} <= countries


def test_seed_figures_cite_their_article_and_are_normalized():
    nepal_mid = PublishedRange.objects.select_related("source").get(
        country="NP", level=Level.MID, employment_type="", currency="NPR"
    )
    assert (nepal_mid.low, nepal_mid.high) == (Decimal("70000"), Decimal("160000"))
    assert nepal_mid.period == Period.MONTH
    assert (nepal_mid.years_min, nepal_mid.years_max) == (3, 5)
    assert nepal_mid.source.title == "Machine Learning Engineer Salary in Nepal and Abroad"
    assert nepal_mid.yearly_low == Decimal("840000")
    assert 5_000 < nepal_mid.usd_low < 7_000
    assert nepal_mid.ppp_low > nepal_mid.usd_low  # Nepal's prices are below the US's
    sources = set(PublishedRange.objects.values_list("source__key", flat=True))
    assert sources == {"nepal-blog-2026", "somani-2026", "comprehensive-guide-2025"}
    assert not PublishedRange.objects.filter(usd_low__isnull=True, usd_high__isnull=True).exists()


def test_india_figures_by_level_are_loaded_in_rupees_per_year():
    india = PublishedRange.objects.filter(country="IN", source__key="somani-2026")
    assert {r.level for r in india} >= {Level.ENTRY, Level.MID, Level.SENIOR}
    assert all(r.currency_id == "INR" and r.period == Period.YEAR for r in india)


@pytest.mark.parametrize(
    "fields",
    [
        {"low": Decimal("200"), "high": Decimal("100")},
        {"low": None, "high": None},
        {"low": Decimal("-5"), "high": Decimal("100")},
        {"years_min": 6, "years_max": 2},
    ],
    ids=["low above high", "no bound", "negative", "years reversed"],
)
def test_database_rejects_impossible_ranges(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedRangeFactory(**fields)


def test_database_rejects_a_nonpositive_observation_and_a_duplicate_row():
    with pytest.raises(IntegrityError), transaction.atomic():
        SalaryObservationFactory(amount=Decimal("0"))
    first = SalaryObservationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SalaryObservationFactory(source=first.source, source_key=first.source_key)


def test_the_ai_versus_ml_engineer_gap_is_a_cited_relative_figure(client):
    from salaries.models import PublishedPayGap

    gap = PublishedPayGap.objects.select_related("role", "compared_to", "source").get()
    assert (gap.role.name, gap.compared_to.name) == ("AI Engineer", "Machine Learning Engineer")
    assert (gap.low_percent, gap.high_percent) == (10, 15)
    assert gap.source.key == "nepal-blog-2026"
    page = client.get("/salaries/machine-learning-engineer/").content.decode()
    assert "AI Engineer pay is 10–15% above Machine Learning Engineer pay worldwide" in page


def test_edits_made_in_the_admin_survive_the_loader_and_update_takes_the_files(
    admin_client,
):
    import io

    from django.core.management import call_command

    from salaries.models import ExchangeRate, PublishedRange, PurchasingPowerFactor, Source

    rate = ExchangeRate.objects.get(currency="NPR", as_of__year=2024)
    factor = PurchasingPowerFactor.objects.get(country="NP", year=2024)
    published = PublishedRange.objects.get(seed_key="nepal-all-levels-monthly")
    seeded = (rate.units_per_usd, factor.lcu_per_international_dollar, published.high)
    rate.units_per_usd, factor.lcu_per_international_dollar = Decimal("150"), Decimal("40")
    published.high, published.label = Decimal("170000"), "Nepal, all levels (checked)"
    for row in (rate, factor, published):
        row.save()
    added = PublishedRange.objects.create(
        source=Source.objects.get(key="nepal-blog-2026"), role=published.role, country="NP",
        year=2026, period="month", currency=published.currency, low=Decimal("80000"),
        high=Decimal("90000"), label="An editor's addition",
    )  # fmt: skip

    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    for row in (rate, factor, published):
        row.refresh_from_db()
    assert (rate.units_per_usd, factor.lcu_per_international_dollar) == (150, 40)
    assert (published.high, published.label) == (170000, "Nepal, all levels (checked)")
    assert PublishedRange.objects.filter(pk=added.pk).exists()
    assert PublishedRange.objects.filter(source__key="nepal-blog-2026").count() == 14
    report = out.getvalue()
    assert "row(s) differ from the seed files; kept, as edited," in report
    assert "exchange rate NPR 2024-12-31: units_per_usd" in report
    assert "range nepal-all-levels-monthly: high, label" in report

    call_command("load_reference_data", "--update", stdout=io.StringIO())
    for row in (rate, factor, published):
        row.refresh_from_db()
    assert (rate.units_per_usd, factor.lcu_per_international_dollar, published.high) == seeded
    assert PublishedRange.objects.filter(pk=added.pk).exists()  # nothing is ever deleted


def test_saving_a_rate_in_the_admin_recomputes_the_figures_it_feeds(admin_client):
    from salaries.models import ExchangeRate, Role, SalaryObservation, conversion_table
    from tests.factories import SalaryObservationFactory

    rate = ExchangeRate.objects.filter(currency="NPR").order_by("-as_of").first()
    observation = SalaryObservationFactory(
        role=Role.objects.get(slug="machine-learning-engineer"), employee_country="NP",
        currency_id="NPR", amount=Decimal("1000000"), year=rate.as_of.year,
    )  # fmt: skip
    SalaryObservation.objects.filter(pk=observation.pk).renormalize(conversion_table())
    url = f"/admin/salaries/exchangerate/{rate.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "note" in page
    response = admin_client.post(
        url,
        {"currency": "NPR", "units_per_usd": "100", "as_of": rate.as_of.isoformat(),
         "source": rate.source, "note": rate.note},
        follow=True,
    )  # fmt: skip
    assert b"Recomputed the figures of" in response.content
    observation.refresh_from_db()
    assert observation.usd_yearly == Decimal("10000.00")


def test_a_role_is_found_by_its_title_slug_or_alias_ignoring_case():
    from salaries.models import Role, RoleAlias

    role = Role.objects.create(name="Sonar Signal Engineer")
    other = Role.objects.create(name="SS Engineer")
    RoleAlias.objects.create(name="Acoustic Scientist", role=role)
    RoleAlias.objects.create(name="sonar signal engineer", role=other)
    assert Role.objects.named("sonar signal ENGINEER") == role  # a title beats an alias
    assert Role.objects.named(role.slug) == role
    assert Role.objects.named("  acoustic scientist ") == role
    assert Role.objects.named("ss engineer") == other
    for nothing in ["", "   ", "Baker", "Sonar\x00Signal Engineer"]:
        assert Role.objects.named(nothing) is None


def test_the_loader_files_a_title_under_the_role_it_was_merged_into():
    from salaries.management.commands.load_reference_data import role_named
    from salaries.models import Role

    role = Role.objects.create(name="Sonar Signal Engineer")
    Role.objects.create(name="Hydrophone Analyst").merge_into(role)
    assert role_named("hydrophone analyst", "ranges.csv", 2) == role
    assert role_named("sonar signal engineer", "ranges.csv", 2) == role
    with pytest.raises(CommandError, match="ranges.csv, line 3: no role 'Sonar Prompt Engineer'"):
        role_named("Sonar Prompt Engineer", "ranges.csv", 3)


NEPALI_CITIES = ["Kathmandu", "Lalitpur", "Bhaktapur", "Biratnagar", "Janakpur", "Hetauda",
                 "Pokhara", "Butwal", "Birendranagar", "Dhangadhi"]  # fmt: skip


def test_nepals_cities_are_offered_first_in_the_job_and_report_forms(client):
    job_form = client.get("/jobs/post/").content.decode()
    options = re.findall(r'<option value="\d+">([^<]+)</option>', job_form)
    first = [name.split(", ")[0] for name in options[: len(NEPALI_CITIES)]]
    assert sorted(first) == sorted(NEPALI_CITIES)
    assert all(name.endswith(", Nepal") for name in options[: len(NEPALI_CITIES)])
    report_form = client.get("/salaries/submit/").content.decode()
    datalist = report_form[report_form.index('<datalist id="city-names">') :]
    names = re.findall(r'<option value="([^"]+)" label="([^"]+)">', datalist)
    assert [name for name, country in names[: len(NEPALI_CITIES)]] == sorted(NEPALI_CITIES)
    assert 'list="city-names"' in report_form
