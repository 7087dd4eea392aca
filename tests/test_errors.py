"""A database error is a 503 ("try again") only when the database cannot be reached: a query
the database refuses while it is up is a 500 with our page, and logged."""

import logging

import psycopg
import pytest
from django.db import Error, InterfaceError, OperationalError, connection
from django.test import Client

from portal.middleware import is_lost_connection


@pytest.fixture
def error_client(settings):
    settings.ROOT_URLCONF = "tests.urls"
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("kind", ["tsvector-too-long", "statement-timeout"])
def test_a_query_the_database_refuses_is_a_logged_500_not_a_false_503(
    db, error_client, caplog, kind
):
    response = error_client.get(f"/test/database-error/{kind}/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"Temporarily unavailable" not in response.content
    assert "Retry-After" not in response
    [logged] = [record for record in caplog.records if record.name == "django.request"]
    assert logged.levelno == logging.ERROR
    assert logged.exc_info[0] is OperationalError


def test_a_lost_connection_is_still_a_503(db, error_client):
    response = error_client.get("/test/database-gone/")
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.content
    assert response["Retry-After"]


def as_django_raises(driver_error) -> Error:
    """The driver's error as Django re-raises it (its own class, from the driver's)."""
    try:
        with connection.wrap_database_errors:
            raise driver_error
    except Error as error:
        return error


errors = psycopg.errors


@pytest.mark.parametrize(
    "driver_error, lost",
    [
        (psycopg.OperationalError("connection failed: connection refused"), True),
        (psycopg.OperationalError("server closed the connection unexpectedly"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (errors.ConnectionFailure("connection failure"), True),  # 08006
        (errors.AdminShutdown("terminating connection due to administrator command"), True),
        (errors.CrashShutdown("terminating connection due to crash of another process"), True),
        (errors.CannotConnectNow("the database system is starting up"), True),
        (errors.TooManyConnections("sorry, too many clients already"), True),
        (errors.ProgramLimitExceeded("string is too long for tsvector"), False),  # 54000
        (errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (errors.DiskFull("could not extend file"), False),
        (errors.SerializationFailure("could not serialize access"), False),
        (errors.UndefinedTable('relation "x" does not exist'), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_only_a_lost_or_refused_connection_counts_as_the_database_gone(driver_error, lost):
    assert is_lost_connection(as_django_raises(driver_error)) is lost


def test_an_error_not_from_the_driver_is_not_a_lost_connection():
    assert not is_lost_connection(OperationalError("raised by hand"))
    assert is_lost_connection(InterfaceError("connection already closed"))
    assert not is_lost_connection(RuntimeError("boom"))
