"""`make bench`: public pages at a million observations, measured against /robots.txt.

1. Builds (once; --rebuild to redo) a separate database, `talab_bench`, on the server the
   settings use: reference data, guides, the aijobs.net survey, then synthetic copies of the
   survey's rows, amounts perturbed by up to 10%, up to a million observations. The copies
   belong to a source titled "Synthetic benchmark copies (not real data)"; `make run` never
   sees this database.
2. Serves it with gunicorn (5 workers) on 127.0.0.1:8100.
3. Loads it from this separate process: cold (the first view of each page after the data
   version moves, several times) and warm (wrk -t2 -c16 -d8s per page, or a Python load
   generator where wrk is missing), and prints req/s, p50, p99 and the ratio to /robots.txt
   measured in the same run.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

import psycopg  # noqa: E402

from tests.servers import (  # noqa: E402
    admin_connection,
    create_database,
    database_url,
    server_params,
    stop,
)

DATABASE = "talab_bench"
PORT = 8100
TARGET_ROWS = 1_000_000
SURVEY_CSV = os.environ.get(
    "AIJOBS_CSV", str(BASE_DIR.parent / "shared" / "data" / "aijobs-salaries-2025-01-19.csv")
)
SYNTHETIC_SOURCE = "synthetic-benchmark"
BASELINE = "/robots.txt"
PAGES = [
    "/",
    "/salaries/",
    "/salaries/?country=US&level=senior",
    "/salaries/machine-learning-engineer/",
    "/salaries/machine-learning-engineer/us/",
    "/salaries/data-scientist/gb/",
    "/compare/?role=machine-learning-engineer&countries=NP&countries=IN&countries=US",
    "/offer/?role=data-scientist&country=GB&amount=65000",
    "/guides/machine-learning-engineer-india/",
]
COLD_SAMPLES = 5


def run(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def database_exists(params) -> bool:
    with admin_connection(params) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        return found.fetchone() is not None


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


def retire_figures(env):
    """What an import does: every remembered figure and cached page is retired."""
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from salaries.remembered import data_changed; data_changed()"],
        cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def cold(base, env) -> dict:
    """The first view of each page after the data version moves: p95 over a few samples."""
    times = {path: [] for path in PAGES}
    for _ in range(COLD_SAMPLES):
        retire_figures(env)
        for path in PAGES:
            times[path].append(fetch(base + path))
    return {path: sorted(samples)[-1] if len(samples) < 20 else statistics.quantiles(
        samples, n=20)[-1] for path, samples in times.items()}  # fmt: skip


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
    params = server_params()
    env = {**os.environ, "DATABASE_URL": database_url(params, DATABASE), "HTTPS": "0"}
    if args.rebuild or not database_exists(params):
        build(params, env)
    run(env, "migrate", "--noinput")
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
        cold_p95 = cold(base, env)
        warm = warm_wrk if shutil.which("wrk") else warm_python
        for path in PAGES:
            fetch(base + path)  # remembered, so that warm means warm
        base_rate, base_p50, base_p99 = warm(base + BASELINE, args.seconds)
        print(f"\n{'page':76} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'cold p95 ms':>11}")  # fmt: skip
        print(f"{BASELINE:76} {base_rate:7.0f} {1:6.2f} {base_p50:7.1f} {base_p99:7.1f}")
        for path in PAGES:
            rate, p50, p99 = warm(base + path, args.seconds)
            print(f"{path:76} {rate:7.0f} {rate / base_rate:6.2f} {p50:7.1f} {p99:7.1f} "
                  f"{cold_p95[path] * 1000:11.0f}")  # fmt: skip
        rss = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        memory = ", ".join(f"{int(kb) // 1024} MB" for kb in rss)
        print(f"\ngunicorn workers' resident memory: {memory}")
    finally:
        stop(server)


if __name__ == "__main__":
    main()
