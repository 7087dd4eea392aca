"""Whole pages from the cache: narrow invalidation, conditional GET, and the replica router."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal import routers
from portal.models import Counter
from salaries.figures import releases
from salaries.models import Role, SalaryReport
from tests.factories import RoleFactory, SalaryObservationFactory, SourceFactory

pytestmark = pytest.mark.usefixtures("reference_data")

US_PAGE = "/salaries/data-scientist/us/"
NP_PAGE = "/salaries/data-scientist/np/"


@pytest.fixture
def data_scientists(db):
    role = RoleFactory(name="Data Scientist")
    survey = SourceFactory()
    for n in range(12):
        SalaryObservationFactory(role=role, source=survey, amount=Decimal(90_000 + 1_000 * n))
    return role


def approve_reports(role, country, count):
    moderator = User.objects.create_user(f"mod-{country}-{count}")
    for n in range(count):
        SalaryReport.objects.create(
            role=role, country=country, level="mid", years_experience=3,
            employment_type="full_time", year=2025, period="year", currency_id="NPR",
            amount=Decimal(1_500_000 + 10_000 * n),
        ).approve(by=moderator)  # fmt: skip


def queries_for(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured), response


def test_approvals_retire_no_page_and_a_release_retires_only_the_cells_pages(
    client, data_scientists, django_capture_on_commit_callbacks
):
    us_before, np_before = client.get(US_PAGE), client.get(NP_PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        approve_reports(data_scientists, "NP", 30)
    for url, before in ((US_PAGE, us_before), (NP_PAGE, np_before)):
        count, after = queries_for(client, url)
        assert count <= 2, "a cached page is a versions read and a page read"
        assert after["ETag"] == before["ETag"] and after.content == before.content
    with django_capture_on_commit_callbacks(execute=True):
        releases.release()
    count, us_after = queries_for(client, US_PAGE)
    assert count <= 2 and us_after["ETag"] == us_before["ETag"]  # still the cached page
    np_after = client.get(NP_PAGE)
    assert np_after["ETag"] != np_before["ETag"]
    assert b'data-testid="report-figures"' in np_after.content
    assert b">Mid<" in np_after.content.split(b'data-testid="report-figures"')[1]


def test_an_unchanged_page_answers_304_and_a_changed_one_200(
    client, data_scientists, django_capture_on_commit_callbacks
):
    first = client.get(US_PAGE)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert first["ETag"] and not first.has_header("Last-Modified")  # see test_privacy
    unchanged = client.get(US_PAGE, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        SalaryObservationFactory(role=data_scientists, amount=Decimal(250_000))
    changed = client.get(US_PAGE, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert b'data-testid="count">13<' in changed.content


def test_staff_see_pages_as_they_are_now_and_forms_are_never_cached(client, data_scientists):
    admin = User.objects.create_superuser("boss", "b@example.org", "pw")
    staff = Client()
    staff.force_login(admin)
    page = staff.get(US_PAGE)
    assert page.status_code == 200 and "public" not in page.get("Cache-Control", "")
    form = client.get("/salaries/submit/")
    assert "public" not in form.get("Cache-Control", "")
    assert client.get("/salaries/submit/").cookies.get("csrftoken") is not None


def test_query_strings_that_differ_get_their_own_page(client, data_scientists):
    usd = client.get(US_PAGE, {"display": "usd"})
    ppp = client.get(US_PAGE, {"display": "ppp"})
    assert usd["ETag"] != ppp["ETag"] and usd.content != ppp.content
    same = client.get(US_PAGE + "?display=usd&junk=")  # an empty parameter is no parameter
    assert same["ETag"] == usd["ETag"]


def test_a_new_guide_or_posting_shows_on_cached_landing_pages(
    client, data_scientists, django_capture_on_commit_callbacks
):
    from tests.factories import JobPostingFactory

    before = client.get(US_PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        JobPostingFactory(title="Cached-page posting", role=data_scientists)
    after = client.get(US_PAGE)
    assert after["ETag"] != before["ETag"] and b"Cached-page posting" in after.content


# The replica router ------------------------------------------------------------------------


def test_public_reads_go_to_the_replica_and_everything_else_to_the_primary():
    router = routers.ReplicaRouter()
    token = routers.public_reads.set(True)
    try:
        assert router.db_for_read(Role) == "replica"
        assert router.db_for_read(Counter) == "default"  # limits are read where counted
        from django.core.cache.backends.db import BaseDatabaseCache

        cache_entry = BaseDatabaseCache("talab_cache", {}).cache_model_class
        assert router.db_for_read(cache_entry) == "default"
        assert router.db_for_write(Role) == "default"
    finally:
        routers.public_reads.reset(token)
    assert router.db_for_read(Role) == "default"  # staff, forms, commands
    assert router.allow_migrate("replica", "salaries") is False
    assert router.allow_migrate("default", "salaries") is True


def test_only_public_pages_of_visitors_without_a_session_read_the_replica(
    client, data_scientists, monkeypatch, settings
):
    """Which database each read would use, with the router installed (the test database
    has no replica, so every read is answered by the primary)."""
    from django.db import router

    decisions = []

    class Spy(routers.ReplicaRouter):
        def db_for_read(self, model, **hints):
            decisions.append(super().db_for_read(model, **hints))
            return "default"

    monkeypatch.setattr(router, "routers", [Spy()])
    settings.DATABASE_REPLICA_LAG = 0  # nothing changed too recently for the replica
    client.get(US_PAGE)
    assert "replica" in decisions  # a landing page, for a visitor
    decisions.clear()
    client.get("/salaries/submit/")
    assert decisions and set(decisions) == {"default"}  # a form
    staff = Client()
    staff.force_login(User.objects.create_superuser("boss", "b@example.org", "pw"))
    decisions.clear()
    staff.get(US_PAGE)
    assert decisions and set(decisions) == {"default"}  # staff read the primary


def test_warm_pages_computes_every_landing_page_before_the_first_visitor(client, data_scientists):
    import io

    from django.core.management import call_command
    from django.db import connection as db

    out = io.StringIO()
    call_command("warm_pages", stdout=out)
    assert "Pages warmed:" in out.getvalue() and "Not 200" not in out.getvalue()
    with CaptureQueriesContext(db) as captured:  # a visitor's first view: figures remembered
        assert client.get("/salaries/data-scientist/us/").status_code == 200
    assert not [q for q in captured if "percentile_cont" in q["sql"].lower()]


def test_a_server_start_retires_figures_only_when_the_code_changed(client, data_scientists):
    from django.core.cache import cache

    from portal import versions

    def aggregates():
        with CaptureQueriesContext(connection) as captured:
            client.get(US_PAGE)
        return [q for q in captured if "percentile_cont" in q["sql"].lower()]

    versions.deployed()
    aggregates()
    assert versions.deployed() is False  # the same code, just warmed: kept
    assert not aggregates()
    cache.set(versions.CODE_KEY, "older code", None)
    assert versions.deployed() is True
    assert aggregates()  # computed again by the new code


def test_the_order_of_compared_countries_is_kept_and_empty_parameters_count(
    client, data_scientists
):
    page = "/compare/"
    one = client.get(page + "?role=data-scientist&countries=US&countries=NP").content.decode()
    two = client.get(page + "?role=data-scientist&countries=NP&countries=US").content.decode()
    assert one.index("United States") < one.index("Nepal")
    assert two.index("Nepal") < two.index("United States")
    assert client.get(page + "?role=").content != client.get(page).content


def test_moving_an_observation_to_another_country_retires_its_old_country_page(
    client, data_scientists, django_capture_on_commit_callbacks
):
    before = client.get(US_PAGE).content
    with django_capture_on_commit_callbacks(execute=True):
        moved = data_scientists.salaryobservation_set.first()
        moved.employee_country = "IN"
        moved.save()
    assert b'data-testid="count">11<' in client.get(US_PAGE).content and before != b""


def test_the_job_board_and_a_job_s_page_are_cached_until_a_posting_changes(
    client, data_scientists, django_capture_on_commit_callbacks
):
    from jobs.models import PostingStatus
    from tests.factories import JobPostingFactory

    with django_capture_on_commit_callbacks(execute=True):
        posting = JobPostingFactory(title="Cached board posting", role=data_scientists)
    pages = {}
    for url in ["/jobs/", "/jobs/?country=US", posting.get_absolute_url()]:
        first, _ = queries_for(client, url)
        again, response = queries_for(client, url)
        assert (response.status_code, again) == (200, 2), url  # the versions, then the page
        assert again < first
        pages[url] = response.content
    with django_capture_on_commit_callbacks(execute=True):
        posting.status = PostingStatus.WITHDRAWN
        posting.save()
    assert b"Cached board posting" not in client.get("/jobs/").content
    page = client.get(posting.get_absolute_url()).content
    assert page != pages[posting.get_absolute_url()] and b"application/ld+json" not in page
