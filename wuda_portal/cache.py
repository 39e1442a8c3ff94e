"""
The shared cache, and the one version number that invalidates everything derived from
content.

Every change to content (article, 栏目, attachment, site profile, friend link) bumps the
content version; keys of derived data (whole pages, the navigation, the footer) carry the
version, so every app server sharing the cache sees the change on its next request without
anyone having to know which keys a change touches.
"""

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

CONTENT_VERSION_KEY = "content-version"


def content_version():
    """The current content version (an integer shared by all app servers)."""
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        # A fresh (or flushed) cache: start from the clock, so that a number is never
        # reused for different content after Redis loses its data.
        cache.add(CONTENT_VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(CONTENT_VERSION_KEY, 0)
    return version


def bump_content_version(**kwargs):
    """Invalidate everything derived from content. Usable as a signal receiver."""
    try:
        cache.incr(CONTENT_VERSION_KEY)
    except ValueError:
        cache.set(CONTENT_VERSION_KEY, time.time_ns() // 1000, timeout=None)


def cached_for_content(name, build, timeout=None):
    """`build()`'s result, kept until the content changes (at most `timeout` seconds)."""
    key = f"{name}:{content_version()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=timeout or 300)
    return value


class ResilientRedisCache(RedisCache):
    """
    Django's RedisCache that treats an unreachable Redis as an empty cache.

    Pages are then built from the database on every request: slower, not broken. Each
    failure is logged; the short socket timeouts in settings keep a dead Redis from
    holding a worker for long.
    """

    def _fail(self, operation, exc, default=None):
        logger.warning("Cache %s failed, serving without cache: %s", operation, exc)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except Exception as exc:  # redis.exceptions.RedisError and socket errors
            return self._fail("get", exc, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except Exception as exc:
            return self._fail("get_many", exc, {})

    def set(self, key, value, timeout=None, version=None, **kwargs):
        try:
            return super().set(key, value, timeout, version, **kwargs)
        except Exception as exc:
            return self._fail("set", exc)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except Exception as exc:
            return self._fail("set_many", exc, list(data))

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except Exception as exc:
            return self._fail("add", exc, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except Exception as exc:
            return self._fail("delete", exc, False)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except ValueError:
            raise
        except Exception as exc:
            return self._fail("incr", exc, 0)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except Exception as exc:
            return self._fail("touch", exc, False)

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except Exception as exc:
            return self._fail("has_key", exc, False)
