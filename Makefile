# Talab: `make run` serves the portal, `make test` checks it. See README.md.
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml uv.lock | sha1sum | cut -c1-12)
# make run serves plain http on loopback; production settings come from the environment.
LOCAL_ENV := HTTPS=0
# The aijobs.net survey (CC0) is imported from here when present; it is never committed.
AIJOBS_CSV ?= ../shared/data/aijobs-salaries-2025-01-19.csv

# Where visitor-facing text is (the admin's and the tests' are not translated).
MESSAGE_SOURCES := --no-location --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench

.PHONY: install lock browser redis-server gettext messages run load test test-fast bench format superuser shell db-start db-stop backup restore clean

# Installs exactly the versions in uv.lock (the ones the tests passed with), on any Python
# 3.11-3.14; uv itself comes from pip first, then from the lock.
$(STAMP): pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv>=0.9,<1"
	VIRTUAL_ENV=$(VENV) $(VENV)/bin/uv sync --quiet --locked --extra dev --python $(PY)
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# After changing dependencies in pyproject.toml: resolve them again for every Python 3.11-3.14.
lock: install
	$(VENV)/bin/uv lock

load: install
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput
	$(LOCAL_ENV) $(PY) manage.py createcachetable
	$(LOCAL_ENV) $(PY) manage.py load_reference_data
	$(LOCAL_ENV) $(PY) manage.py load_guides
	@if [ -f "$(AIJOBS_CSV)" ]; then \
		$(LOCAL_ENV) $(PY) manage.py import_salaries "$(AIJOBS_CSV)" --format aijobs --replace; \
	else echo "No survey file at $(AIJOBS_CSV); skipping its import."; fi
	$(LOCAL_ENV) $(PY) manage.py release_figures

run: load
	$(LOCAL_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(LOCAL_ENV) $(PY) manage.py warm_pages
	@echo ""
	@echo "  Talab is starting at http://127.0.0.1:8000/"
	@echo "  Create an admin account (in another shell): make superuser"
	@echo ""
	$(LOCAL_ENV) $(VENV)/bin/gunicorn --config gunicorn.conf.py portal.wsgi

# End-to-end tests drive Debian's Chromium (a browser download does not work here).
browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-lohit-deva; \
		else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests."; fi; }

# The Redis tests serve pages from Debian's redis-server (tests/test_redis.py skips without it).
redis-server:
	@command -v redis-server >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server; \
		else echo "Install Debian's redis-server (sudo apt-get install redis-server) for the Redis tests."; fi; }

# GNU gettext: makemessages and compilemessages (make messages, and the catalog's test).
gettext:
	@command -v msgfmt >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq gettext; \
		else echo "Install GNU gettext (sudo apt-get install gettext) to update the catalogs."; fi; }

# After changing visitor-facing text: the Nepali catalog updated, then compiled. The compiled
# .mo is committed, so `make run` needs no gettext.
messages: install gettext
	$(PY) manage.py makemessages -l ne $(MESSAGE_SOURCES)
	$(PY) manage.py country_catalog -l ne
	$(PY) manage.py compilemessages -l ne --ignore=.venv

test: install browser redis-server gettext
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy salaries/figures portal
	$(VENV)/bin/pytest -rs -n auto

# The quick loop while working: everything but the browser and the slow process tests.
test-fast: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -m "not slow and not e2e" -x -n auto

# Public pages at a million (synthetic) observations, in a database of their own: see README.
bench: install
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk || true; \
		else echo "wrk is missing (sudo apt-get install wrk); using a slower Python load generator."; fi; }
	AIJOBS_CSV="$(AIJOBS_CSV)" $(PY) bench/bench.py $(BENCH_ARGS)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

superuser: install
	$(LOCAL_ENV) $(PY) manage.py createsuperuser

shell: install
	$(LOCAL_ENV) $(PY) manage.py shell

db-start: install
	$(PY) -m portal.embedded_postgres start

db-stop: install
	$(PY) -m portal.embedded_postgres stop

# make backup [FILE=backups/talab-YYYYMMDD-HHMM.dump]; make restore FILE=...
FILE ?= backups/talab-$(shell date +%Y%m%d-%H%M).dump
backup: install
	mkdir -p $(dir $(FILE))
	$(LOCAL_ENV) $(PY) manage.py backup "$(FILE)"

restore: install
	$(LOCAL_ENV) $(PY) manage.py restore "$(FILE)"

clean:
	-test -x $(PY) && $(PY) -m portal.embedded_postgres stop
	rm -rf $(VENV) .data staticfiles
