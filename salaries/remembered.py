"""Remembering computed figures until the data behind them changes."""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction

# Figures are remembered until the data changes. Every write to facts, rates or roles moves
# the data version (signals for single saves, explicit calls after bulk writes), which retires
# every remembered figure at once: no figure is ever older than the data it describes.
# The version moves when the write commits, not before: a request that read the new version
# while the write was still open would compute from the old rows and store them under it.
DATA_VERSION_KEY = "salaries:data-version"
# Bump when the shape of what views remember changes, so that no server reads figures that a
# server running other code wrote (gunicorn also moves the data version when it starts).
FORMAT = 4
REMEMBER_SECONDS = 24 * 3600


def data_changed(**kwargs) -> None:
    transaction.on_commit(lambda: cache.set(DATA_VERSION_KEY, time.time_ns(), None))


def remembered(key: str, compute):
    """compute() once per key and data version; later calls read the cache."""
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.set(DATA_VERSION_KEY, version, None)
    digest = hashlib.sha256(key.encode()).hexdigest()
    full_key = f"salaries:figures:{FORMAT}:{version}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, REMEMBER_SECONDS)
    return value
