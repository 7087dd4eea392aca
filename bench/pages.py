"""Load a running Talab (gunicorn on 127.0.0.1) and report page latency as ratios to a bare page.

Usage: .venv/bin/python bench/pages.py [--base URL] [--requests 200] [--concurrency 4]

Each URL gets the same number of requests from a pool of threads in this separate process.
The baseline is /robots.txt, a template with no database query, measured in the same run, so
the ratios say what a page costs beyond the server's own overhead on this machine.
"""

import argparse
import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASELINE = "/robots.txt"
PAGES = [
    "/healthz",
    "/",
    "/salaries/",
    "/salaries/?country=US&level=senior",
    "/salaries/machine-learning-engineer/",
    "/salaries/machine-learning-engineer/us/",
    "/salaries/data-scientist/gb/?display=ppp",
    "/compare/?role=machine-learning-engineer&countries=US&countries=IN&countries=GB",
    "/guides/machine-learning-engineer-india/",
    "/offer/?role=data-scientist&country=GB&amount=65000",
    "/salaries/machine-learning-engineer/np/",
    "/salaries/submit/",
]


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback only)
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - started


def measure(base: str, path: str, requests: int, concurrency: int) -> list[float]:
    fetch(base + path)  # warm up connections and caches
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda _: fetch(base + path), range(requests)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if not args.base.startswith(("http://127.", "http://localhost")):
        parser.error("load goes to loopback only")
    baseline = statistics.median(measure(args.base, BASELINE, args.requests, args.concurrency))
    print(f"{'page':70} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7}")
    print(f"{BASELINE:70} {baseline * 1000:8.1f} {'':>8} {1:7.1f}")
    for path in PAGES:
        times = sorted(measure(args.base, path, args.requests, args.concurrency))
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        print(f"{path:70} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {p50 / baseline:7.1f}")


if __name__ == "__main__":
    main()
