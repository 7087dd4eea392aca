"""make backup and make restore: a dump restores into a fresh database with everything in it."""

import os

import psycopg
import pytest

from tests.servers import create_database, database_url, drop_database, manage, server_params

SEED = """
from django.contrib.auth.models import User
from salaries.models import Role, SalaryReport
moderator = User.objects.create_user("mod", is_staff=True)
role = Role.objects.get(slug="machine-learning-engineer")
for amount in (1_500_000, 1_800_000, 2_100_000):
    report = SalaryReport.objects.create(
        role=role, country="NP", level="mid", years_experience=3, employment_type="full_time",
        year=2025, period="year", currency_id="NPR", amount=amount,
    )
    report.new_link_key()
    report.save()
    report.approve(by=moderator) if amount < 2_000_000 else report.reject(moderator, "spam")
"""
TABLES = ["salaries_salaryreport", "salaries_salaryobservation", "salaries_moderationevent",
          "salaries_exchangerate", "salaries_publishedrange"]  # fmt: skip


def counts(url: str) -> dict:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


@pytest.mark.slow  # pg_dump and pg_restore of a migrated database: ~14 s
@pytest.mark.django_db
def test_a_backup_restores_into_a_fresh_database_with_every_report(tmp_path):
    params = server_params()
    source, target = f"talab_backup_{os.getpid()}", f"talab_restored_{os.getpid()}"
    dump = tmp_path / "talab.dump"
    try:
        for name in (source, target):
            create_database(params, name)
        env = {**os.environ, "DATABASE_URL": database_url(params, source), "HTTPS": "0"}
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        manage(env, "shell", "-c", SEED)
        manage(env, "backup", str(dump))
        assert dump.stat().st_size > 10_000
        manage({**env, "DATABASE_URL": database_url(params, target)}, "restore", str(dump))
        before = counts(database_url(params, source).replace("postgres://", "postgresql://"))
        after = counts(database_url(params, target).replace("postgres://", "postgresql://"))
        assert before == after
        assert after["salaries_salaryreport"] == 3 and after["salaries_moderationevent"] == 3
        assert after["salaries_salaryobservation"] == 2
    finally:
        for name in (source, target):
            drop_database(params, name)
