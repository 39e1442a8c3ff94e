"""
The shared cache, and the one version number that invalidates everything derived from
content.

Every change to content (article, 栏目, attachment, site profile, friend link) bumps the
content version; keys of derived data (whole pages, the navigation, the footer) carry the
version, so every app server sharing the cache sees the change on its next request without
anyone having to know which keys a change touches.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)

CONTENT_VERSION_KEY = "content-version"


# A request reads the version once (it renders one state of the content), and may fetch
# the cached things it will need in one round trip (prefetch).
_request = threading.local()


def _request_started(**kwargs):
    _request.active, _request.version, _request.fetched = True, None, {}


def _request_finished(**kwargs):
    _request.active, _request.version, _request.fetched = False, None, {}


request_started.connect(_request_started, dispatch_uid="content-version-request-started")
request_finished.connect(_request_finished, dispatch_uid="content-version-request-finished")


def content_version():
    """The current content version (an integer shared by all app servers)."""
    version = getattr(_request, "version", None)
    if version is not None:
        return version
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        # A fresh (or flushed) cache: start from the clock, so that a number is never
        # reused for different content after Redis loses its data.
        cache.add(CONTENT_VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(CONTENT_VERSION_KEY, 0)
    if getattr(_request, "active", False):
        _request.version = version
    return version


def request_content_version():
    """The content version the current request has read, or None outside a request."""
    return getattr(_request, "version", None) if getattr(_request, "active", False) else None


def bump_content_version(**kwargs):
    """Invalidate everything derived from content. Usable as a signal receiver."""
    _request.version = None
    try:
        cache.incr(CONTENT_VERSION_KEY)
    except ValueError:
        cache.set(CONTENT_VERSION_KEY, time.time_ns() // 1000, timeout=None)


def prefetch(*names):
    """Fetch what cached_for_content(name, ...) will ask for in this request, in one round trip."""
    if getattr(_request, "active", False):
        version = content_version()
        keys = [f"{name}:{version}" for name in names]
        _request.fetched.update(dict.fromkeys(keys, None) | cache.get_many(keys))


def cached_for_content(name, build, timeout=300):
    """`build()`'s result, kept until the content changes (at most `timeout` seconds)."""
    key = f"{name}:{content_version()}"
    fetched = getattr(_request, "fetched", {})
    value = fetched[key] if key in fetched else cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=timeout)
        if key in fetched:
            fetched[key] = value
    return value


def object_cached(name, build):
    """
    Data of a public page (an article with its neighbours, a page of a 栏目 ...), kept
    while the content is unchanged and for OBJECT_CACHE_SECONDS at most, which bounds how
    late what time alone changes (a scheduled article coming due) shows. 0: not kept.
    `build` returns False for "nothing there", which is kept too.
    """
    if settings.OBJECT_CACHE_SECONDS <= 0:
        return build()
    return cached_for_content(name, build, timeout=settings.OBJECT_CACHE_SECONDS)


class ReusingRedisCacheClient(RedisCacheClient):
    """
    Django's Redis client maker, keeping one redis.Redis per connection pool. Django builds
    a new redis.Redis for every cache call, and building one (its table of response
    callbacks) costs more than the call itself; the pools, and so the connections, were
    shared already. A client is per process: redis-py resets a pool in a forked child.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """
    Django's RedisCache that treats an unreachable Redis as an empty cache.

    Pages are then built from the database on every request: slower, not broken. After a
    failure the process leaves Redis alone for a few seconds (one slow timeout, not one per
    cache call), then tries again; each failure is logged once.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0

    def _call(self, operation, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except ValueError:  # incr() of a missing key: part of the API, not a failure
            raise
        except Exception as exc:  # redis.exceptions.RedisError and socket errors
            self._down_until = time.monotonic() + self.RETRY_AFTER_SECONDS
            logger.warning(
                "Cache %s failed, serving without cache for %ss: %s", operation, self.RETRY_AFTER_SECONDS, exc
            )
            return default

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", 0, key, delta, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def clear(self):
        return self._call("clear", False)
