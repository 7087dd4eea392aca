"""Operable logs: one line per request, decisions and Sentry reports, none of which holds a
visitor's address or a private link's key (portal/logs.py)."""

import http.client
import io
import json
import logging
import os
import re
from urllib.parse import urlsplit

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import CommandError, call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import path, resolve
from sentry_sdk.transport import Transport

from portal.logs import JsonFormatter, scrub_event
from portal.urls import urlpatterns as portal_urlpatterns
from salaries.models import SalaryReport
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
from tests.test_reports import GOOD, QUEUE, SUBMIT

pytestmark = pytest.mark.usefixtures("reference_data")

ADDRESS, PROXY_CHAIN = "203.0.113.9", "198.51.100.7"
# A visitor behind our proxy, as the app sees them.
VISITOR = {
    "REMOTE_ADDR": ADDRESS,
    "HTTP_X_REAL_IP": ADDRESS,
    "HTTP_X_FORWARDED_FOR": f"{PROXY_CHAIN}, {ADDRESS}",
}
EMAIL = "someone@example.org"


@pytest.fixture
def logs():
    """Everything the loggers let through, as the console handler prints it with
    LOG_FORMAT=json: `logs()` is the parsed lines, `logs.text()` the raw output."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines(logger=None):
        parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
        return [line for line in parsed if logger in (None, line["logger"])]

    lines.text = stream.getvalue
    yield lines
    root.removeHandler(handler)


def new_key(row) -> str:
    """A fresh private key for a report or posting (how the app hands them out changes; what
    a private link's path looks like does not)."""
    key = row.new_link_key()
    row.save()
    return key


def test_a_page_request_is_one_json_line_with_timings_and_no_visitor(client, settings, logs):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    page = f"/salaries/?role=machine-learning-engineer&email={EMAIL}"
    assert client.get(page).status_code == 200  # from 127.0.0.1
    assert client.get(page, **VISITOR).status_code == 200

    first, second = logs("talab.requests")
    assert first["message"] == "request" and first["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first["time"])
    assert (first["method"], first["route"], first["status"]) == ("GET", "salaries:list", 200)
    assert first["duration_ms"] >= first["db_ms"] > 0 and first["db_queries"] > 0
    # The same page again comes from the whole-page cache.
    assert (first["cache"], second["cache"]) == ("miss", "hit")
    assert second["db_queries"] < first["db_queries"]
    text = logs.text()
    for private in ("127.0.0.1", ADDRESS, PROXY_CHAIN, EMAIL, "role=", "/salaries/"):
        assert private not in text


def test_static_files_redirects_and_unknown_paths_get_their_line(client, logs):
    client.get("/static/css/site.css")
    client.get("/salaries")  # APPEND_SLASH
    client.get("/no-such-page/")
    routes = [(line["route"], line["status"]) for line in logs("talab.requests")]
    assert routes[1:] == [("unmatched", 301), ("unmatched", 404)]
    assert routes[0][0] == "static"
    assert [line["message"] for line in logs("django.request")][-1] == "Not Found: <unmatched>"
    assert "no-such-page" not in logs.text()


def test_private_links_log_their_route_never_their_key(client, logs):
    client.post(SUBMIT, GOOD, **VISITOR)
    posting = JobPostingFactory()
    pages = [
        f"/salaries/reports/{new_key(SalaryReport.objects.get())}/?new=1",
        f"/jobs/manage/{new_key(posting)}/",
        f"/salaries/reports/{'Zq' * 11}/",  # a key no report has (mistyped, withdrawn)
    ]
    statuses = [client.get(page, **VISITOR).status_code for page in pages]

    lines = logs("talab.requests")[1:]  # after the submission's
    routes = [(line["route"], line["status"]) for line in lines]
    matches = [resolve(urlsplit(page).path) for page in pages]
    assert all("link" in match.kwargs for match in matches)  # these are private links
    assert routes == [
        (match.view_name, status) for match, status in zip(matches, statuses, strict=True)
    ]
    text = logs.text()
    for private in (*(match.kwargs["link"] for match in matches), ADDRESS, "new=1"):
        assert private not in text


def test_djangos_own_lines_name_a_private_link_by_its_route(rf, logs):
    """Django logs 4xx and 5xx answers with their path ("Not Found: /…"): its lines go
    through our formatter, which puts the route in place of a key."""
    key, django_request = "Zq" * 11, logging.getLogger("django.request")
    for page in (f"/salaries/reports/{key}/", f"/jobs/manage/{key}/", f"/no-such/{key}/"):
        extra = {"status_code": 404, "request": rf.get(page, **VISITOR)}
        django_request.warning("Not Found: %s", page, extra=extra)
    assert [line["message"] for line in logs("django.request")] == [
        "Not Found: /salaries/reports/<link>/",
        "Not Found: /jobs/manage/<link>/",
        "Not Found: <unmatched>",
    ]
    assert logs("django.request")[0]["status_code"] == 404
    assert key not in logs.text() and ADDRESS not in logs.text()


def test_moderation_decisions_are_logged_once_with_ids_only(
    client, moderator, logs, django_capture_on_commit_callbacks
):
    for amount in ("150000", "160000"):
        client.post(SUBMIT, {**GOOD, "amount": amount}, **VISITOR)
    approved, rejected = SalaryReport.objects.order_by("pk")
    keys = [new_key(approved), new_key(rejected)]
    moderator.user.email = EMAIL
    moderator.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        moderator.post(
            QUEUE, {"action": "approve_selected", "_selected_action": [approved.pk]}, **VISITOR
        )
        moderator.post(
            QUEUE,
            {"action": "reject_selected", "_selected_action": [rejected.pk], "apply": "1",
             "reason": "spam", "note": f"Sent by {EMAIL}"},
            **VISITOR,
        )  # fmt: skip

    decisions = [
        {key: line[key] for key in ("model", "object_id", "action", "moderator_id", "reason")}
        for line in logs("talab.moderation")
    ]
    assert decisions == [
        {"model": "salaries.salaryreport", "object_id": approved.pk, "action": "approved",
         "moderator_id": moderator.user.pk, "reason": None},
        {"model": "salaries.salaryreport", "object_id": rejected.pk, "action": "rejected",
         "moderator_id": moderator.user.pk, "reason": "spam"},
    ]  # fmt: skip
    assert {line["level"] for line in logs("talab.moderation")} == {"INFO"}
    text = logs.text()
    for private in (*keys, ADDRESS, EMAIL):
        assert private not in text


def test_imports_are_logged_with_their_counts(tmp_path, logs):
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "work_year,experience_level,employment_type,job_title,salary,salary_currency,"
        "salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n"
        "2024,MI,FT,Data Scientist,120000,USD,120000,US,0,US,M\n"
        "2024,MI,FT,Data Scientist,lots,USD,lots,US,0,US,M\n"
    )
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("import_salaries", str(survey), "--format", "aijobs", "--skip-invalid", **quiet)
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([{"@type": "JobPosting", "title": f"Write to {EMAIL}"}]))
    with pytest.raises(CommandError):
        call_command("import_jobs", str(feed), **quiet)

    counts = ("level", "message", "source", "rows_read", "rows_created", "rejected", "dry_run")
    assert [tuple(line[key] for key in counts) for line in logs("talab.imports")] == [
        ("INFO", "import", "aijobs", 2, 1, 1, False),
        ("WARNING", "import refused", "feed.json", 1, 0, 1, False),
    ]
    assert EMAIL not in logs.text() and "lots" not in logs.text()


def test_a_backup_is_logged_with_its_size_and_duration(tmp_path, logs):
    call_command("backup", str(tmp_path / "nightly.dump"), stdout=io.StringIO())
    [line] = logs("talab.backups")
    assert (line["message"], line["file"]) == ("backup", "nightly.dump")
    assert line["bytes"] == (tmp_path / "nightly.dump").stat().st_size > 0
    assert line["seconds"] >= 0 and str(tmp_path) not in logs.text()


# Sentry -------------------------------------------------------------------------------------


class Envelopes(Transport):
    """Keeps what would be sent to Sentry."""

    def __init__(self):
        super().__init__()
        self.sent = []

    def capture_envelope(self, envelope):
        self.sent.append(envelope)


@pytest.fixture
def sentry():
    """Sentry as settings start it, but sending everything it can (addresses, cookies,
    local variables): what is left out is left out by scrub_event. `sentry.raw` holds each
    event as it was before scrub_event."""
    envelopes, raw = Envelopes(), []

    def before_send(event, hint):
        raw.append(json.dumps(event, default=str))
        return scrub_event(event, hint)

    sentry_sdk.init(
        dsn="https://public@example.invalid/1",
        transport=envelopes,
        before_send=before_send,
        send_default_pii=True,
        include_local_variables=True,
        max_request_body_size="always",
        traces_sample_rate=0,
    )
    envelopes.raw = raw
    yield envelopes
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def serve(request) -> str:
    """The request served as gunicorn serves it (through Django's WSGI handler, which Sentry
    wraps to read the URL, headers and address); the status line."""
    status = []
    # As the test client does: a request's end must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = WSGIHandler()(request.environ, lambda line, headers, exc=None: status.append(line))
        b"".join(body)
        body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return status[0]


@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated")
def test_sentry_reports_hold_no_address_and_no_key(rf, settings, sentry):
    settings.ROOT_URLCONF = __name__
    key = "Kx9-" * 6
    request = rf.get(
        f"/test/private/{key}/",
        {"new": "1", "email": EMAIL},
        HTTP_REFERER=f"http://testserver/test/private/{key}/",
        HTTP_COOKIE="report_link=a-private-cookie-value",
        **VISITOR,
    )
    assert serve(request) == "500 Internal Server Error"
    sentry_sdk.flush()

    [raw] = sentry.raw
    for private in (key, ADDRESS, PROXY_CHAIN, "new=1", "a-private-cookie-value"):
        assert private in raw  # what Sentry would have sent
    # Every envelope (the event, and any session counts) as it would leave the server.
    sent = "".join(envelope.serialize().decode() for envelope in sentry.sent)
    for private in (key, ADDRESS, PROXY_CHAIN, EMAIL, "new=1", "a-private-cookie-value"):
        assert private not in sent
    [event] = [envelope.get_event() for envelope in sentry.sent if envelope.get_event()]
    assert event["request"]["url"] == "http://testserver/test/private/<link>/"
    assert event["request"]["headers"]["Referer"] == "http://testserver/test/private/<link>/"
    assert (event["request"]["method"], event["transaction"]) == ("GET", "/test/private/{link}/")
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "lookup failed for <link>"


# Served by gunicorn, as in production ------------------------------------------------------


@pytest.mark.slow  # a database of its own and gunicorn: ~10 s
def test_gunicorn_output_holds_no_key_and_one_json_line_per_request(tmp_path):
    params, name = server_params(), f"talab_logs_{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": database_url(params, name), "HTTPS": "0"}
    env |= {"LOG_FORMAT": "json", "CLIENT_IP_META_KEY": "HTTP_X_REAL_IP"}
    key, pages = "Kx9" * 8, ["/salaries/reports/{}/?new=1", "/jobs/manage/{}/", "/nope/{}/"]
    pages = [page.format(key) for page in pages]
    create_database(params, name)
    server, statuses = None, []
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        server, base = start_gunicorn(env, tmp_path / "gunicorn.log")
        for page in pages:
            connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
            connection.request("GET", page, headers={"X-Real-IP": ADDRESS})
            statuses.append(connection.getresponse().status)
            connection.close()
    finally:
        if server:
            stop(server)
        drop_database(params, name)

    output = (tmp_path / "gunicorn.log").read_text()
    assert key not in output and ADDRESS not in output and "new=1" not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "talab.requests"]
    served = [(line["route"], line["status"]) for line in requests if line["route"] != "healthz"]
    routes = [resolve(urlsplit(page).path).view_name for page in pages[:2]] + ["unmatched"]
    assert served == list(zip(routes, statuses, strict=True))


# Far from the addresses above: Sentry sends the lines around a frame with it.
def broken_private_page(request, link):
    raise RuntimeError(f"lookup failed for {link}")  # a bug whose message quotes the key


# The project's URLs and a private page that fails (settings.ROOT_URLCONF = __name__).
urlpatterns = [path("test/private/<str:link>/", broken_private_page), *portal_urlpatterns]
