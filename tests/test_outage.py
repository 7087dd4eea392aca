"""A database outage, for real: gunicorn serves the app from a PostgreSQL server of its own,
which is stopped and started again with `python -m portal.embedded_postgres stop|start` (what
`make db-stop` and `make db-start` run); the app must answer 503 meanwhile and recover
without a restart."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.servers import BASE_DIR, manage, start_gunicorn, stop

pytestmark = pytest.mark.slow  # its own PostgreSQL server and gunicorn: ~8 s


def embedded(env, command):
    subprocess.run(
        [sys.executable, "-m", "portal.embedded_postgres", command],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_stopped_database_gives_503_and_a_restarted_one_recovers(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | {
        "EMBEDDED_PGDATA": str(tmp_path / "pg"),
        "HTTPS": "0",
    }
    server = None
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        server, base = start_gunicorn(env, tmp_path / "gunicorn.log")
        assert get(f"{base}/salaries/")[0] == 200

        embedded(env, "stop")
        status, body = get(f"{base}/healthz")
        assert (status, body) == (503, '{"db": "unavailable"}')
        status, body = get(f"{base}/salaries/")
        assert status == 503
        assert "Temporarily unavailable" in body and "Traceback" not in body

        embedded(env, "start")
        assert get(f"{base}/healthz") == (200, '{"db": "ok"}')
        assert get(f"{base}/salaries/")[0] == 200
    finally:
        if server:
            stop(server)
        embedded(env, "stop")
