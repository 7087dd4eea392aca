import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Skip to content" in response.content
    assert b"What does the work pay?" in response.content


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"db": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_database_is_unreachable(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"db": "unavailable"}


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"Disallow: /admin/" in response.content


def test_unknown_page_shows_templated_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Skip to content" in response.content


def test_server_error_shows_templated_500(settings):
    settings.ROOT_URLCONF = "tests.urls"
    response = Client(raise_request_exception=False).get("/test/broken/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"Traceback" not in response.content


def test_lost_database_shows_503_page(settings):
    settings.ROOT_URLCONF = "tests.urls"
    response = Client(raise_request_exception=False).get("/test/database-gone/")
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.content
    assert response["Retry-After"]


def test_admin_login_page_is_served(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_favicon_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
