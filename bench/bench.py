"""`make bench`: public pages at a million observations, measured against /robots.txt.

1. Builds (once; --rebuild to redo) a separate database, `talab_bench`, on the server the
   settings use: reference data, guides, the aijobs.net survey, then synthetic copies of the
   survey's rows, amounts perturbed by up to 10%, up to a million observations. The copies
   belong to a source titled "Synthetic benchmark copies (not real data)"; and 1,000 open job
   postings (made again on each run when fewer are open). `make run` never sees this database.
2. Serves it with gunicorn (5 workers) on 127.0.0.1:8100.
3. Loads it from this separate process: cold (the first view of each page after an import,
   which retires everything, and after a report in the page's own group, five times each,
   the worst kept) and warm (wrk -t2 -c16 -d8s per page, or a Python load generator where
   wrk is missing), and prints req/s, p50, p99 and the ratio to /robots.txt measured in the
   same run; and, from pg_stat_statements, the three statements that took longest over each
   page's cold views.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "talab_bench"


def bench_database_url() -> str:
    """The benchmark database, beside the one DATABASE_URL names or on the embedded server."""
    given = os.environ.get("DATABASE_URL")
    if given:
        return urllib.parse.urlsplit(given)._replace(path=f"/{DATABASE}").geturl()
    from portal import embedded_postgres

    return embedded_postgres.database_url(DATABASE)


# This process works on the benchmark database too: it moves data versions between requests.
os.environ["DATABASE_URL"] = bench_database_url()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("HTTPS", "0")
django.setup()

import psycopg  # noqa: E402

from portal import versions  # noqa: E402
from tests.servers import create_database, server_params, stop  # noqa: E402

PORT = 8100
TARGET_ROWS = 1_000_000
SURVEY_CSV = os.environ.get(
    "AIJOBS_CSV", str(BASE_DIR.parent / "shared" / "data" / "aijobs-salaries-2025-01-19.csv")
)
SYNTHETIC_SOURCE = "synthetic-benchmark"
BASELINE = "/robots.txt"
# Each page, and the group (role, country) whose change it must show: "after a report" moves
# that group's versions, as approving a report in it does.
PAGES = [
    ("/", "machine-learning-engineer", "US"),
    ("/salaries/", "machine-learning-engineer", "US"),
    ("/salaries/?country=US&level=senior", "machine-learning-engineer", "US"),
    ("/salaries/machine-learning-engineer/", "machine-learning-engineer", "US"),
    ("/salaries/machine-learning-engineer/us/", "machine-learning-engineer", "US"),
    ("/salaries/data-scientist/gb/", "data-scientist", "GB"),
    ("/compare/?role=machine-learning-engineer&countries=NP&countries=IN&countries=US",
     "machine-learning-engineer", "IN"),
    ("/offer/?role=data-scientist&country=GB&amount=65000", "data-scientist", "GB"),
    ("/guides/machine-learning-engineer-india/", "machine-learning-engineer", "IN"),
    ("/jobs/", "machine-learning-engineer", "NP"),
    ("/jobs/?country=NP&role=machine-learning-engineer", "machine-learning-engineer", "NP"),
]  # fmt: skip
OPEN_POSTINGS = 1_000
# Open postings for the job board's pages: a thousand, spread over roles and countries, each
# saved as the form saves it (its range converted to dollars a year for the pay filter).
MAKE_POSTINGS = f"""
import itertools
from datetime import date, timedelta
from decimal import Decimal
from jobs.models import JobPosting
from salaries.models import Role
missing = {OPEN_POSTINGS} - JobPosting.objects.public().count()
roles = itertools.cycle(Role.objects.listed().order_by("slug"))
places = itertools.cycle([("NP", "NPR", 150000), ("IN", "INR", 1800000), ("US", "USD", 140000)])
for n in range(max(0, missing)):
    role, (country, currency, low) = next(roles), next(places)
    JobPosting.objects.create(
        status="published", title=f"{{role.name}} (benchmark {{n}})", description="Synthetic.",
        company_name="Benchmark employer", role=role, level="mid", country=country,
        employment_type="full_time", workplace="on_site", currency_id=currency,
        pay_min=Decimal(low), pay_max=Decimal(low * 2),
        pay_period="month" if country == "NP" else "year", apply_url="https://example.com/",
        date_posted=date.today(), valid_through=date.today() + timedelta(days=60),
    )
"""
COLD_SAMPLES = 5  # the worst of five is the p95 of so few
# Statements in this database since the last reset (only the cold views run then), but the
# ones that reset and read them.
THIS_DATABASE = "(SELECT oid FROM pg_database WHERE datname = current_database())"
RESET_STATEMENTS = f"SELECT pg_stat_statements_reset(0, {THIS_DATABASE}, 0)"
STATEMENTS = (
    "SELECT queryid, calls, total_exec_time, query FROM pg_stat_statements "  # noqa: S608
    f"WHERE dbid = {THIS_DATABASE} AND query NOT LIKE '%pg_stat_statements%'"
)
TOP_STATEMENTS = 3


def run(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def built() -> bool:
    """Whether the benchmark database holds its million observations already."""
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        table = connection.execute("SELECT to_regclass('salaries_salaryobservation')")
        if table.fetchone()[0] is None:
            return False
        rows = connection.execute("SELECT count(*) FROM salaries_salaryobservation")
        return rows.fetchone()[0] >= TARGET_ROWS


def build(params, env):
    """The benchmark database, from the survey and its synthetic copies."""
    create_database(params, DATABASE)
    for command in (["migrate", "--noinput"], ["createcachetable"], ["load_reference_data"],
                    ["load_guides"]):  # fmt: skip
        run(env, *command)
    run(env, "import_salaries", str(SURVEY_CSV), "--format", "aijobs")
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
        survey_rows = connection.execute("SELECT count(*) FROM salaries_salaryobservation")
        survey_rows = survey_rows.fetchone()[0]
        copies = -(-TARGET_ROWS // survey_rows) - 1
        source_id = connection.execute(
            "INSERT INTO salaries_source (key, kind, title, author, publisher, year, url, "
            "licence) VALUES (%s, 'survey', 'Synthetic benchmark copies (not real data)', '', "
            "'Talab benchmark', 2026, '', '') RETURNING id",
            [SYNTHETIC_SOURCE],
        ).fetchone()[0]
        columns = [
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = "
                "'salaries_salaryobservation' AND column_name <> 'id' ORDER BY ordinal_position"
            )
        ]
        scaled = {"amount", "yearly_amount", "usd_yearly", "ppp_yearly", "bonus", "equity"}
        chosen = {
            "source_id": str(source_id),
            "source_key": "o.source_key || '-copy-' || n",
            "import_batch_id": "NULL",
            "created_at": "now()",
            **{name: f"round(o.{name} * f, 2)" for name in scaled},
        }
        selected = ", ".join(chosen.get(name, f"o.{name}") for name in columns)
        print(f"Adding {copies} synthetic copies of {survey_rows:,} survey rows...")
        connection.execute(
            f"INSERT INTO salaries_salaryobservation ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {selected} FROM generate_series(1, {copies}) AS n, "
            "LATERAL (SELECT *, (0.9 + random() * 0.2)::numeric AS f "
            f"FROM salaries_salaryobservation WHERE source_id <> {source_id}) AS o"
        )
        connection.execute("ANALYZE")
        total = connection.execute("SELECT count(*) FROM salaries_salaryobservation").fetchone()
        print(f"Benchmark database {DATABASE}: {total[0]:,} observations.")


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback only)
        response.read()
    return time.perf_counter() - started


class Statements:
    """What each page's cold views ran, from pg_stat_statements (the embedded server preloads
    it; another server needs shared_preload_libraries = 'pg_stat_statements')."""

    def __init__(self):
        self.pages = {path: {} for path, *_ in PAGES}  # {queryid: [calls, ms, text]} per page
        self.connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        try:
            self.connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            self.connection.execute(RESET_STATEMENTS)
        except psycopg.Error as error:
            print(f"No statements per page: {str(error).strip()}")
            self.connection.close()

    def fetch(self, path: str, url: str) -> float:
        """fetch(url), adding the statements it ran to the page's."""
        if self.connection.closed:
            return fetch(url)
        self.connection.execute(RESET_STATEMENTS)
        seconds = fetch(url)
        for queryid, calls, ms, text in self.connection.execute(STATEMENTS):
            seen = self.pages[path].setdefault(queryid, [0, 0.0, text])
            seen[0] += calls
            seen[1] += ms
        return seconds

    def print_top(self) -> None:
        if self.connection.closed:
            return
        print(f"\nTop {TOP_STATEMENTS} statements by total time over each page's "
              f"{2 * COLD_SAMPLES} cold views:")  # fmt: skip
        for path, statements in self.pages.items():
            calls = sum(calls for calls, _, _ in statements.values())
            ms = sum(ms for _, ms, _ in statements.values())
            print(f"{path} (all statements: {calls} calls, {ms:.0f} ms)")
            print(f"  {'calls':>6} {'total ms':>9} {'mean ms':>8}  statement")
            top = sorted(statements.values(), key=lambda statement: -statement[1])
            for calls, ms, text in top[:TOP_STATEMENTS]:
                text = " ".join(text.replace('"', "").split())  # identifiers unquoted
                text = text if len(text) <= 100 else text[:99] + "…"
                print(f"  {calls:6} {ms:9.1f} {ms / calls:8.1f}  {text}")
        self.connection.close()


def cold(base) -> dict:
    """p95 of the first view of each page, over a few samples: after an import (everything
    retired) and after a report in the page's own group (its group's versions moved)."""
    after_import = {path: [] for path, *_ in PAGES}
    after_report = {path: [] for path, *_ in PAGES}
    statements = Statements()
    for _ in range(COLD_SAMPLES):
        versions.move(versions.REFERENCE)  # outside a transaction: at once
        for path, *_ in PAGES:
            after_import[path].append(statements.fetch(path, base + path))
        for path, role, country in PAGES:
            versions.move(*versions.scopes_of_group(role, country))
            after_report[path].append(statements.fetch(path, base + path))
    statements.print_top()
    return {path: (max(after_import[path]), max(after_report[path])) for path, *_ in PAGES}


WRK_LINE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNITS = {"us": 0.001, "ms": 1, "s": 1000}


def warm_wrk(url: str, seconds: int) -> tuple[float, float, float]:
    output = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(WRK_LINE.search(output).group(1))
    latency = {p: float(v) * UNITS[u] for p, v, u in WRK_LATENCY.findall(output)}
    return rate, latency["50"], latency["99"]


def warm_python(url: str, seconds: int) -> tuple[float, float, float]:
    """16 threads for `seconds` (slower than wrk: its own overhead counts in every figure)."""
    deadline = time.perf_counter() + seconds

    def worker(_):
        samples = []
        while time.perf_counter() < deadline:
            samples.append(fetch(url) * 1000)
        return samples

    with ThreadPoolExecutor(16) as pool:
        samples = sorted(s for batch in pool.map(worker, range(16)) for s in batch)
    return len(samples) / seconds, samples[len(samples) // 2], samples[int(len(samples) * 0.99)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--seconds", type=int, default=8, help="warm load per page")
    args = parser.parse_args()
    env = {**os.environ}
    if args.rebuild or not built():
        build(server_params(), env)
    run(env, "migrate", "--noinput")
    run(env, "shell", "-c", MAKE_POSTINGS)
    run(env, "collectstatic", "--noinput", "--verbosity", "0")
    log = BASE_DIR / "bench" / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py",
             "portal.wsgi"],
            cwd=BASE_DIR, stdout=log_file, stderr=subprocess.STDOUT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{PORT}", "WEB_CONCURRENCY": "5"},
        )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        cold_p95 = cold(base)
        warm = warm_wrk if shutil.which("wrk") else warm_python
        for path, *_ in PAGES:
            fetch(base + path)  # remembered, so that warm means warm
        base_rate, base_p50, base_p99 = warm(base + BASELINE, args.seconds)
        print(f"\n{'page':50} {'req/s':>6} {'ratio':>5} {'p50 ms':>6} {'p99 ms':>6} "
              f"{'cold ms, p95: after import':>27} {'after report':>12}")  # fmt: skip
        print(f"{BASELINE:50} {base_rate:6.0f} {1:5.2f} {base_p50:6.1f} {base_p99:6.1f}")
        for path, *_ in PAGES:
            rate, p50, p99 = warm(base + path, args.seconds)
            after_import, after_report = cold_p95[path]
            print(f"{path[:50]:50} {rate:6.0f} {rate / base_rate:5.2f} {p50:6.1f} {p99:6.1f} "
                  f"{after_import * 1000:27.0f} {after_report * 1000:12.0f}")  # fmt: skip
        rss = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        memory = ", ".join(f"{int(kb) // 1024} MB" for kb in rss)
        print(f"\ngunicorn workers' resident memory: {memory}")
    finally:
        stop(server)


if __name__ == "__main__":
    main()
