"""A read replica for public pages: set DATABASE_REPLICA_URL.

The public pages visitors read (portal.pagecache.public_page, for a visitor without a
session) read from the replica. Every write, every read inside a write (select_for_update)
and everything else (forms, private links, the admin, commands) use the primary, so that
nobody reads back a stale copy of what they just changed. The cache table, which holds the
data versions, and the rate-limit counters are read on the primary only.
"""

import contextlib
import contextvars

from django.conf import settings

public_reads = contextvars.ContextVar("public_reads", default=False)


def replica_lag_ns() -> float:
    """How far behind the primary the replica may be (settings.DATABASE_REPLICA_LAG seconds):
    what changed more recently is read from the primary (portal.pagecache, remembered)."""
    return settings.DATABASE_REPLICA_LAG * 1e9


# Read where they are written: the cache's entries (data versions among them) and counters.
PRIMARY_ONLY = {"django_cache.cacheentry", "portal.counter"}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        opts = model._meta  # the database cache's entry has app_label and model_name only
        if f"{opts.app_label}.{opts.model_name}" in PRIMARY_ONLY or not public_reads.get():
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows, same keys

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


@contextlib.contextmanager
def replica_reads():
    """Reads within may come from the replica: a public page's view (portal.pagecache)."""
    token = public_reads.set(True)
    try:
        yield
    finally:
        public_reads.reset(token)


@contextlib.contextmanager
def primary_reads():
    """Reads within use the primary, even inside a public page's view."""
    token = public_reads.set(False)
    try:
        yield
    finally:
        public_reads.reset(token)
