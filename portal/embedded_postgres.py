"""The PostgreSQL server the project runs for itself when DATABASE_URL is unset.

pgserver ships PostgreSQL binaries on PyPI, so development, tests and `make run` need no system
database. The data lives in .data/postgres and the server listens only on a Unix socket there.
Starting is idempotent: pgserver takes a file lock and starts the server only when it is not
already running, so every manage.py command and every gunicorn worker can call it safely.

Usage: python -m portal.embedded_postgres start|stop
"""

import os
import sys
import warnings
from pathlib import Path

# EMBEDDED_PGDATA lets a test run a throwaway server of its own (tests/test_outage.py).
DATA_DIR = Path(
    os.environ.get("EMBEDDED_PGDATA")
    or Path(__file__).resolve().parent.parent / ".data" / "postgres"
)


def _server():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); /tmp is fine here.
        warnings.simplefilter("ignore")
        import pgserver

    DATA_DIR.parent.mkdir(exist_ok=True)
    # cleanup_mode=None: the server outlives the process that started it, so gunicorn workers,
    # manage.py commands and the test runner share one server.
    return pgserver.get_server(DATA_DIR, cleanup_mode=None)


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
    server = _server()  # imports pgserver quietly first
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=server.system_user)


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
