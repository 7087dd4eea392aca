"""Headers, refusals and throttles every page kind gets."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")

PAGE_KINDS = [
    "/",
    "/salaries/",
    "/salaries/machine-learning-engineer/",
    "/salaries/machine-learning-engineer/np/",
    "/compare/?role=machine-learning-engineer&countries=NP&countries=IN",
    "/offer/?role=machine-learning-engineer&country=NP&amount=150000",
    "/methodology/",
    "/guides/",
    "/salaries/submit/",
    "/salaries/find/?role=nobody",
    "/no-such-page/",
    "/admin/login/",
    "/admin/",
    "/admin/salaries/salaryreport/",
]
STRICT = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]


@pytest.mark.parametrize("url", PAGE_KINDS)
def test_every_page_kind_has_a_strict_content_security_policy(admin_client, url):
    SalaryObservationFactory.create_batch(6)
    response = admin_client.get(url)
    assert response.status_code in (200, 302, 400, 404)
    policy = response["Content-Security-Policy"]
    for directive in STRICT:
        assert directive in policy, (url, directive)
    assert "unsafe-inline" not in policy
    assert "camera=()" in response["Permissions-Policy"]


def test_our_templates_carry_no_inline_script_or_style():
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "<style" not in text, template
        assert " style=" not in text and "onclick=" not in text, template


def test_trace_is_refused_and_the_static_manifest_is_not_served(client):
    assert client.generic("TRACE", "/").status_code == 405
    assert client.generic("TRACE", "/salaries/").status_code == 405
    assert client.get("/static/staticfiles.json").status_code == 404


def test_the_eleventh_wrong_password_is_refused_even_with_the_right_one(client):
    User.objects.create_superuser("boss", "b@example.org", "the right password 42")
    for _ in range(9):
        response = client.post("/admin/login/", {"username": "boss", "password": "wrong"})
        assert response.status_code == 200  # the usual "wrong password" form
    client.post("/admin/login/", {"username": "boss", "password": "wrong"})  # the 10th
    response = client.post(
        "/admin/login/", {"username": "boss", "password": "the right password 42"}
    )
    assert response.status_code == 429
    assert b"Sign-in paused for this account" in response.content
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by this one's failures.
    other = Client(REMOTE_ADDR="192.0.2.9")
    other.post("/admin/login/", {"username": "boss", "password": "the right password 42"})
    assert "_auth_user_id" in other.session


def test_a_stale_form_token_gives_our_page_and_keeps_what_was_typed():
    from tests.test_reports import GOOD

    response = Client(enforce_csrf_checks=True).post("/salaries/submit/", GOOD)
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form was open too long to be sent safely" in page
    assert 'value="Kathmandu"' in page and 'name="csrfmiddlewaretoken"' in page
    other = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    assert other.status_code == 403 and b"Please send that again" in other.content


def test_behind_a_proxy_the_address_the_proxy_added_counts(settings, rf):
    from portal.clients import client_address

    settings.CLIENT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"  # not what the client wrote first
