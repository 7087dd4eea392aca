"""Private links (portal/private_links.py): the key travels after '#' and in a form, never in
a request line, so neither gunicorn's output nor the app's logs ever hold one."""

import http.cookiejar
import logging
import os
import re
import secrets
import urllib.request
from urllib.parse import urlencode

import pytest
from django.test import Client

from jobs.models import PostingStatus
from portal.private_links import key_from
from tests.factories import JobPostingFactory
from tests.servers import (
    create_database,
    database_url,
    drop_database,
    manage,
    server_params,
    start_gunicorn,
    stop,
)
from tests.test_reports import GOOD, STATUS, SUBMIT, key_of

KEY = "pB3q_x-7Jk2LmN0rStUvWx"  # as secrets.token_urlsafe(16) makes them


@pytest.mark.parametrize(
    "pasted, key",
    [
        (KEY, KEY),
        (f"  {KEY}\n", KEY),
        (f"https://talab.example/salaries/reports/status/#{KEY}", KEY),
        (f"https://talab.example/jobs/manage/#{KEY}", KEY),
        (f"https://talab.example/salaries/reports/{KEY}/", KEY),  # handed out before
        (f"https://talab.example/salaries/reports/{KEY}/?new=1", KEY),
        (f"/jobs/manage/{KEY}", KEY),
        ("https://talab.example/salaries/reports/status/#", ""),
        ("https://talab.example/jobs/manage/#not a key", ""),
        ("", ""),
        ("x" * 65, ""),
        ("\x00", ""),
        ("../admin", "admin"),  # a word, not a key: it opens nothing
    ],
)
def test_the_key_is_read_from_the_whole_link_or_alone(pasted, key):
    assert key_from(pasted) == key


@pytest.mark.usefixtures("reference_data")
def test_the_apps_logs_never_hold_a_key(caplog):
    caplog.set_level(logging.DEBUG)
    submitter = Client()
    report_key = key_of(submitter, submitter.post(SUBMIT, GOOD))
    posting = JobPostingFactory()
    posting_key = posting.new_link_key()
    posting.save()
    visitor = Client()
    for page, old_link, key, action in [
        (STATUS, f"/salaries/reports/{report_key}/", report_key, {"confirm": ""}),
        ("/jobs/manage/", f"/jobs/manage/{posting_key}/", posting_key, {"action": "filled"}),
    ]:
        link = f"http://testserver{page}#{key}"
        assert visitor.post(page, {"private_link": link}).status_code == 303
        assert visitor.get(page).status_code == 200
        assert visitor.post(page, action).status_code in (200, 302)  # the box not ticked; done
        assert Client().post(page, action).status_code == 403  # no cookie
        assert Client().post(page, {"private_link": key[::-1]}).status_code == 404
        assert Client().get(old_link).status_code == 302
    assert visitor.post(STATUS, {"confirm": "on"}).status_code == 302
    assert Client().post(STATUS, {"private_link": report_key}).status_code == 404  # withdrawn
    posting.refresh_from_db()
    assert posting.status == PostingStatus.FILLED
    assert caplog.records  # the request log at least
    for record in caplog.records:
        for key in (report_key, posting_key):
            assert key not in record.getMessage() and key not in repr(vars(record))


# Served by gunicorn, asked as a browser asks -------------------------------------------------

DATABASE = f"talab_links_{os.getpid()}"  # parallel runs must not drop each other's
SEED_POSTING = """
from datetime import date, timedelta
from jobs.models import JobPosting
from portal.models import digest
from salaries.models import Role
JobPosting.objects.create(
    status="published", title="Computer vision engineer", description="Work on maps.",
    company_name="Gorkha Maps", role=Role.objects.get(slug="machine-learning-engineer"),
    level="mid", country="NP", employment_type="full_time", workplace="hybrid",
    currency_id="NPR", pay_min=120_000, pay_max=180_000, pay_period="month",
    apply_email="jobs@example.org", date_posted=date.today(),
    valid_through=date.today() + timedelta(days=30), link_hash=digest({key!r}),
)
"""
REPORT = {
    "role": "Machine Learning Engineer", "country": "NP", "level": "mid",
    "years_experience": "3", "employment_type": "full_time", "year": "2025",
    "period": "month", "currency": "NPR", "amount": "150000", "consent": "on",
}  # fmt: skip


def browser():
    """A client with a cookie jar that follows redirects, as a browser does."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def send_form(opener, url: str, fields: dict) -> tuple[str, str]:
    """The page at `url` read for its CSRF token, then `fields` posted to it; the address and
    the page the redirects end on."""
    with opener.open(url) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    with opener.open(urllib.request.Request(url, data)) as response:  # noqa: S310 (loopback)
        return response.url, response.read().decode()


@pytest.mark.slow
def test_a_served_private_link_leaves_no_key_in_gunicorns_output(tmp_path):
    params = server_params()
    env = {**os.environ, "DATABASE_URL": database_url(params, DATABASE), "HTTPS": "0"}
    posting_key = secrets.token_urlsafe(16)
    log = tmp_path / "gunicorn.log"
    create_database(params, DATABASE)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        manage(env, "shell", "-c", SEED_POSTING.format(key=posting_key))
        server, base = start_gunicorn(env, log)
        try:
            # A visitor reports their pay and is shown the private link.
            url, receipt = send_form(browser(), base + SUBMIT, REPORT)
            assert url == base + STATUS + "?new=1"
            link = re.search(r'<a href="([^"]+)" data-testid="private-link">', receipt)[1]
            assert link.startswith(base + STATUS + "#")
            report_key = link.split("#")[1]

            # Later, in another browser, the link's script posts the key; the page opens.
            later = browser()
            url, page = send_form(later, base + STATUS, {"private_link": report_key})
            assert url == base + STATUS
            assert 'data-testid="status">Waiting for review<' in page
            url, page = send_form(later, base + STATUS, {"confirm": "on"})
            assert url == base + "/salaries/reports/withdrawn/"

            # The employer opens theirs by a link handed out before, and marks the job filled.
            employer = browser()
            with employer.open(f"{base}/jobs/manage/{posting_key}/") as response:
                # The key moved into the fragment, which the client keeps and never sends.
                assert response.url == f"{base}/jobs/manage/#{posting_key}"
                assert 'name="private_link"' in response.read().decode()
            url, page = send_form(employer, base + "/jobs/manage/", {"private_link": posting_key})
            assert "Computer vision engineer: <span" in page
            url, page = send_form(employer, base + "/jobs/manage/", {"action": "filled"})
            assert url == base + "/jobs/manage/?done=filled"
            assert 'data-testid="status">Filled<' in page
        finally:
            stop(server)
    finally:
        drop_database(params, DATABASE)
    output = log.read_text()
    assert "Booting worker" in output  # the file is gunicorn's output
    assert report_key not in output and posting_key not in output
