"""Redis as the cache, for real: gunicorn serves pages from Debian's redis-server, which is then
killed while visitors keep asking for pages. Every page must still answer 200, computed from
the database (portal/caches.py), and say why in the log without naming a key."""

import logging
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
import redis
from django.utils.module_loading import import_string

from portal.settings import cache_from_env
from tests.servers import (
    create_database,
    database_url,
    drop_database,
    free_port,
    manage,
    server_params,
    start_gunicorn,
    stop,
)

DATABASE = f"talab_redis_{os.getpid()}"
PAGES = ["/", "/salaries/", "/salaries/machine-learning-engineer/", "/jobs/", "/methodology/"]


def test_a_cache_whose_redis_cannot_be_reached_misses_and_skips_writes(monkeypatch, caplog):
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    config = cache_from_env()  # the cache the settings make of REDIS_URL
    cache = import_string(config["BACKEND"])(config["LOCATION"], config)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="talab.cache"):
        assert cache.get("page:abc") is None
        assert cache.get("page:abc", "default") == "default"
        assert cache.get_many(["version:reference", "version:all"]) == {}
        assert cache.get_or_set("figures:x", 42) == 42  # computed, not remembered
        cache.set("page:abc", b"<html>", 60)
        assert cache.set_many({"version:all": 1}, None) == ["version:all"]
        assert cache.add("page:abc", b"<html>") is False
        cache.delete("page:abc")
    assert time.monotonic() - started < 5
    warnings = [r for r in caplog.records if r.name == "talab.cache"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    assert {r.error for r in warnings} == {"ConnectionError"}
    for record in warnings:  # neither a key nor where Redis is
        text = record.getMessage() + repr(vars(record))
        assert "page:" not in text and "version:" not in text and "127.0.0.1" not in text


def start_redis(directory) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port, socket_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return server, port
        except redis.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)


def status_of(url: str) -> int | str:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (loopback)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:  # no answer at all
        return type(error).__name__


def request_log(log, since: int = 0) -> list[str]:
    return [line for line in log.read_text().splitlines()[since:] if "talab.requests" in line]


@pytest.mark.slow  # redis-server, a database of its own and gunicorn: ~20 s
def test_pages_are_cached_in_redis_and_answer_without_it(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip(
            "redis-server is not installed: make test installs it when run as root "
            "(apt-get install redis-server)"
        )
    params = server_params()
    create_database(params, DATABASE)
    redis_server = gunicorn = None
    try:
        redis_server, port = start_redis(tmp_path)
        env = {**os.environ, "DATABASE_URL": database_url(params, DATABASE), "HTTPS": "0",
               "REDIS_URL": f"redis://127.0.0.1:{port}/0"}  # fmt: skip
        manage(env, "migrate", "--noinput")  # no cache table: the cache is Redis
        manage(env, "load_reference_data")
        log = tmp_path / "gunicorn.log"
        gunicorn, base = start_gunicorn(env, log)
        client = redis.Redis(port=port)

        page = base + "/salaries/machine-learning-engineer/"
        assert status_of(page) == 200
        assert client.keys(":1:page:*"), "the page was not stored in Redis"
        assert client.get(":1:version:reference") is not None
        assert status_of(page) == 200
        assert request_log(log)[-1].endswith("cache=hit")

        # Visitors keep coming while Redis dies.
        answers: list[tuple[float, int | str]] = []
        done = threading.Event()

        def visitor(offset: int) -> None:
            n = offset
            while not done.is_set():
                answers.append((time.monotonic(), status_of(base + PAGES[n % len(PAGES)])))
                n += 1

        visitors = [threading.Thread(target=visitor, args=(n,)) for n in range(3)]
        for thread in visitors:
            thread.start()
        try:
            time.sleep(1)
            lines_before = len(log.read_text().splitlines())
            redis_server.kill()
            redis_server.wait()
            killed = time.monotonic()
            time.sleep(3)
        finally:
            done.set()
            for thread in visitors:
                thread.join()

        after = [status for at, status in answers if at > killed]
        assert len(after) >= 5, f"too few pages asked for without Redis: {answers}"
        statuses = Counter(status for _, status in answers)
        assert statuses == {200: len(answers)}, f"pages answered {dict(statuses)}"
        # Without Redis nothing is served from the cache: every page was computed again.
        lines = request_log(log, lines_before)
        assert lines and "cache=hit" not in " ".join(lines[-5:])
        text = log.read_text()
        assert "WARNING talab.cache cache unavailable" in text
        assert "Traceback" not in text and "status=500" not in text
        warnings = [line for line in text.splitlines() if "talab.cache" in line]
        assert not any("page:" in line or "version:" in line for line in warnings)
    finally:
        if gunicorn:
            stop(gunicorn)
        if redis_server and redis_server.poll() is None:
            redis_server.kill()
            redis_server.wait()
        drop_database(params, DATABASE)
