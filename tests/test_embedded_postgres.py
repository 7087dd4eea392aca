"""The embedded server `make run` and `make test` use when DATABASE_URL is unset."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.servers import BASE_DIR


@pytest.mark.django_db
@pytest.mark.skipif("DATABASE_URL" in os.environ, reason="DATABASE_URL names another server")
def test_the_embedded_server_is_postgresql_18_with_its_extensions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL 18.")
        cursor.execute("SHOW shared_preload_libraries")
        assert "pg_stat_statements" in cursor.fetchone()[0]
        cursor.execute("SELECT name FROM pg_available_extensions")
        available = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent", "pg_stat_statements"} <= available


@pytest.mark.parametrize(
    "command",
    [["-m", "portal.embedded_postgres", "start"], ["manage.py", "migrate", "--noinput"]],
)
def test_a_data_directory_from_postgresql_16_gets_a_plain_message(command, tmp_path):
    old = tmp_path / "postgres"
    old.mkdir()
    (old / "PG_VERSION").write_text("16\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, *command],
        cwd=BASE_DIR,
        env={**env, "EMBEDDED_PGDATA": str(old)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "holds a PostgreSQL 16 database" in result.stderr
    assert "make backup" in result.stderr and "make clean" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in old.iterdir()) == ["PG_VERSION"]  # nothing written there
