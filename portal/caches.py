"""A Redis cache that a lost Redis does not take down (settings.cache_from_env, REDIS_URL).

Everything Talab keeps in the cache can be computed again: pages, remembered figures and data
versions. Django's RedisCache raises when Redis cannot be reached, and every public page
would answer 500. Here a read that fails is a miss and a write that fails is skipped, with
one warning each on "talab.cache", so pages are computed from the database until Redis is
back. (With the versions unreadable the reference version is new on every read, so nothing
is served from the cache meanwhile: no page outlives a change while Redis is away.)
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

cache_log = logging.getLogger("talab.cache")


def unavailable(operation: str, error: RedisError) -> None:
    # The error's class only: its text may name the server, and a key may name a page.
    cache_log.warning(
        "cache unavailable", extra={"operation": operation, "error": type(error).__name__}
    )


class ForgivingRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes are skipped while Redis is away."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            unavailable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            unavailable("has_key", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            unavailable("set", error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            unavailable("add", error)
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            unavailable("set_many", error)
            return list(data)  # Django's answer for keys that were not set

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            unavailable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            unavailable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            unavailable("delete_many", error)
