"""Running the app as it runs in production, for tests that need real processes:
management commands in subprocesses and gunicorn on a free loopback port."""

import atexit
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
        f"{result.stdout}\n{result.stderr}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base_url: str, server: subprocess.Popen, log: Path, seconds=20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer /healthz within {seconds} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=25)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@functools.cache
def collected_static() -> str:
    """The hashed, compressed static files gunicorn serves, collected once per test run into a
    directory of the run's own (as `make run` collects them), never left to another test."""
    root = tempfile.mkdtemp(prefix="talab-static-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    manage({**os.environ, "STATIC_ROOT": root}, "collectstatic", "--noinput", "--verbosity", "0")
    return root


def start_gunicorn(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn with the project's config on a free port; returns (process, base URL)."""
    port = free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "STATIC_ROOT": collected_static(),
    }
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "portal.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, server, log)
    except BaseException:
        stop(server)
        raise
    return server, base_url


def server_params() -> dict:
    """How to reach the PostgreSQL server the settings point at (not a database on it)."""
    db = settings.DATABASES["default"]
    options = db.get("OPTIONS", {})
    return {
        # dj-database-url puts a Unix socket directory in OPTIONS["host"], not HOST.
        "host": db.get("HOST") or options.get("host") or "",
        "port": str(db.get("PORT") or ""),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "sslmode": options.get("sslmode"),
    }


def database_url(params: dict, name: str) -> str:
    """A postgres:// URL for database `name` that dj-database-url parses."""
    auth = quote(params["user"], safe="")
    if params["password"]:
        auth += ":" + quote(params["password"], safe="")
    query = {}
    if params["sslmode"]:
        query["sslmode"] = params["sslmode"]
    host = params["host"]
    if host.startswith("/"):  # a Unix socket directory
        netloc, query["host"] = f"{auth}@", host
    else:
        netloc = f"{auth}@{host}" + (f":{params['port']}" if params["port"] else "")
    url = f"postgres://{netloc}/{name}"
    return f"{url}?{urlencode(query, safe='/')}" if query else url


def admin_connection(params: dict):
    kwargs = {
        "dbname": "postgres",
        "host": params["host"] or None,
        "port": params["port"] or None,
        "user": params["user"] or None,
        "password": params["password"] or None,
        "connect_timeout": 5,
    }
    if params["sslmode"]:
        kwargs["sslmode"] = params["sslmode"]
    return psycopg.connect(autocommit=True, **{k: v for k, v in kwargs.items() if v})


def drop_database(params: dict, name: str) -> None:
    with admin_connection(params) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def create_database(params: dict, name: str, template: str = "") -> None:
    """A new, empty database `name`, or a copy of `template` (no one may be connected to it)."""
    drop_database(params, name)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with admin_connection(params) as conn:
        conn.execute(statement)
