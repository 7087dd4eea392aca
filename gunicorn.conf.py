"""gunicorn settings for `make run` and production (override with environment variables)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# No access log: its request line is the path, and a private link's path is its key
# (/salaries/reports/<key>/). The app's request log (portal/logs.py, logger "talab.requests")
# replaces it: one line per request with the route's name, never the path, and no address.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket lives at one path per user (~/.gunicorn), so a second server (the
# end-to-end tests beside `make run`) would take it over; nothing here uses it.
control_socket_disable = True


def on_starting(server):
    """Load the settings before gunicorn installs its signal handlers: with DATABASE_URL unset
    they start the embedded PostgreSQL, whose start-up gunicorn's SIGCHLD handler would
    otherwise reap (after `make db-stop`, every page answered 503)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()


def when_ready(server):
    """A new deployment may compute figures differently: retire the remembered ones (not when
    the code is the one that computed them, e.g. just warmed by `make run`)."""
    from django.db import connections

    from portal import versions

    try:
        if versions.deployed():
            server.log.info("New code: remembered figures and cached pages retired.")
    except Exception as error:  # the database may be down; the app still starts and says 503
        server.log.warning("Could not retire remembered figures: %s", error)
    finally:
        # Workers are forked from this process: they must not share its database connection.
        connections.close_all()
