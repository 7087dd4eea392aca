import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings import cache_from_env, database_from_url, env_bool, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_database_url_is_parsed_with_connection_policy():
    config = database_from_url("postgres://talab:pw@db.example.org:5433/talab")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.org", 5433, "talab")
    assert config["CONN_MAX_AGE"] > 0
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["connect_timeout"] <= 5
    assert "statement_timeout" in config["OPTIONS"]["options"]


@pytest.mark.parametrize(
    "url",
    ["not a url", "mysql://u:p@localhost/talab", "sqlite:///tmp/db", "postgres://u:p@host:5432/"],
)
def test_bad_database_url_gives_a_clear_error(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_env_bool_and_list(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)
    monkeypatch.setenv("HOSTS", " a.org, b.org ,,")
    assert env_list("HOSTS") == ["a.org", "b.org"]


def test_cache_is_database_by_default_and_redis_when_asked(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert cache_from_env()["BACKEND"].endswith("DatabaseCache")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert cache_from_env()["BACKEND"].endswith("RedisCache")
    monkeypatch.setenv("REDIS_URL", "http://nope")
    with pytest.raises(ImproperlyConfigured):
        cache_from_env()


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "HTTPS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="example.org", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_embedded_database():
    result = run_manage(
        "check", ALLOWED_HOSTS="example.org", DEBUG="0", SECRET_KEY="s" * 60, DATABASE_URL=""
    )
    assert result.returncode != 0
    assert "DATABASE_URL must be set when ALLOWED_HOSTS names a real host" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    from portal.embedded_postgres import database_url

    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-production-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=database_url(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
