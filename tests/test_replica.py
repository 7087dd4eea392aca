"""A read replica under gunicorn: public pages read the replica, writes go to the primary.

Two databases on the embedded server stand in for a primary and its replica: the replica is
a copy of the primary with one role renamed, so a page shows which one it read.
"""

import http.cookiejar
import os
import re
import urllib.parse
import urllib.request

import psycopg
import pytest

from tests.servers import (
    create_database,
    database_url,
    drop_database,
    manage,
    server_params,
    start_gunicorn,
    stop,
)

PRIMARY = f"talab_primary_{os.getpid()}"
REPLICA = f"talab_replica_{os.getpid()}"
ROLE_PAGE = "/salaries/machine-learning-engineer/"


pytestmark = pytest.mark.slow  # a second PostgreSQL server and gunicorn: ~20 s


@pytest.fixture(scope="module")
def primary_and_replica(tmp_path_factory):
    params = server_params()
    primary, replica = database_url(params, PRIMARY), database_url(params, REPLICA)
    env = {**os.environ, "DATABASE_URL": primary, "HTTPS": "0"}
    create_database(params, PRIMARY)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        create_database(params, REPLICA, template=PRIMARY)
        with psycopg.connect(replica, autocommit=True) as conn:
            conn.execute(
                "UPDATE salaries_role SET name = 'Machine Learning Engineer (from the replica)' "
                "WHERE slug = 'machine-learning-engineer'"
            )
        # Two databases that never sync: no lag to wait out before reads go to the replica.
        served = {**env, "DATABASE_REPLICA_URL": replica, "DATABASE_REPLICA_LAG": "0"}
        server, base = start_gunicorn(served, tmp_path_factory.mktemp("replica") / "log")
        try:
            yield base, primary, replica
        finally:
            stop(server)
    finally:
        drop_database(params, REPLICA)
        drop_database(params, PRIMARY)


def rows(url: str, query: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


def test_public_pages_read_the_replica_and_reports_are_written_to_the_primary(
    primary_and_replica,
):
    base, primary, replica = primary_and_replica
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(base + ROLE_PAGE) as response:
        assert "Machine Learning Engineer (from the replica)" in response.read().decode()
    with opener.open(base + "/salaries/submit/") as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    form = {
        "csrfmiddlewaretoken": token.group(1), "role": "Machine Learning Engineer",
        "country": "NP", "level": "mid", "years_experience": "4",
        "employment_type": "full_time", "year": "2025", "period": "month", "currency": "NPR",
        "amount": "150000", "consent": "on",
    }  # fmt: skip
    request = urllib.request.Request(
        base + "/salaries/submit/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": base + "/salaries/submit/"},
    )
    with opener.open(request) as response:
        assert "/salaries/reports/" in response.url  # the new report's private page
    assert rows(primary, "SELECT count(*) FROM salaries_salaryreport") == 1
    assert rows(replica, "SELECT count(*) FROM salaries_salaryreport") == 0
