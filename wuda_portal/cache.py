"""
The shared cache, and the one version number that invalidates everything derived from
content.

Every change to content (article, 栏目, attachment, site profile, friend link) bumps the
content version; entries of derived data (whole pages, the navigation, the footer, page
data) carry the version they were built under and count only while it is current, so every
app server sharing the cache sees the change on its next request without anyone having to
know which entries a change touches.
"""

import logging
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import request_finished, request_started
from django.db import transaction

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


def bump_content_version(using=None, **kwargs):
    """
    Invalidate everything derived from content. Usable as a signal receiver.

    Inside a transaction the version moves at once (this request reads its own change) and
    again on commit: a request that read the first move before the commit built what it
    cached from the data as it was before the change, and the second move retires that.
    """
    _bump()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(_bump, using=using)


def _bump():
    _request.version = None
    try:
        cache.incr(CONTENT_VERSION_KEY)
    except ValueError:
        cache.set(CONTENT_VERSION_KEY, time.time_ns() // 1000, timeout=None)


# An entry that has passed its time is kept this much longer, to be served while one
# request builds its successor (instead of every request building it at once).
STALE_GRACE_SECONDS = 30
REBUILD_SUFFIX = ":rebuild"
REBUILD_LOCK_SECONDS = 10


def prefetch(*names, along=None):
    """
    Read the content version and the entries cached_for_content() and object_cached() will
    ask for in this request, in one round trip. `along(pipeline)` may add Redis commands
    of its own to that round trip; the result says whether they were carried out (False
    without Redis or when it failed: the caller then does its part another way).
    """
    if not getattr(_request, "active", False):
        return False
    keys = [CONTENT_VERSION_KEY, *names]
    done = False
    if along is not None and hasattr(cache, "get_many_along"):
        found, done = cache.get_many_along(keys, along)
    else:
        found = cache.get_many(keys)
    version = found.get(CONTENT_VERSION_KEY)
    if version is None:
        content_version()  # a fresh cache: starts the count
    else:
        _request.version = version
    _request.fetched.update({name: found.get(name) for name in names})
    return done


def _lookup(name):
    fetched = getattr(_request, "fetched", {})
    return fetched[name] if name in fetched else cache.get(name)


def _remember(name, entry, timeout):
    cache.set(name, entry, timeout=timeout)
    fetched = getattr(_request, "fetched", {})
    if name in fetched:
        fetched[name] = entry


# Cached things are kept under their name alone, as (content version, fresh until, value):
# one read finds both the entry and whether it is current, and a new version's entry
# replaces the old one instead of lying beside it until it expires.


def cached_for_content(name, build, timeout=300):
    """`build()`'s result, kept until the content changes (at most `timeout` seconds)."""
    version = content_version()
    entry = _lookup(name)
    if entry is not None and entry[0] == version:
        return entry[2]
    value = build()
    _remember(name, (version, math.inf, value), timeout)
    return value


SERVE, REBUILD, BUILD = "serve", "rebuild", "build"


def claim(key, entry, version):
    """
    What this request does with a cached (content version, fresh until, ...) entry, for
    whole pages and page data alike: SERVE it (current and fresh, or past its time while
    another request builds its successor), REBUILD it (past its time, and this request took
    the rebuild lock: release it with rebuilt()), or BUILD it (none, or of an older version).
    """
    if entry is None or entry[0] != version:
        return BUILD
    if time.time() < entry[1]:
        return SERVE
    return REBUILD if cache.add(key + REBUILD_SUFFIX, 1, timeout=REBUILD_LOCK_SECONDS) else SERVE


def rebuilt(key):
    """Release the rebuild lock claim() gave this request."""
    cache.delete(key + REBUILD_SUFFIX)


def object_cached(name, build):
    """
    Data of a public page (an article with its neighbours, a page of a 栏目 ...), kept
    while the content is unchanged and fresh for OBJECT_CACHE_SECONDS, which bounds how
    late what time alone changes (a scheduled article coming due) shows; past that, one
    request builds it again while the others use the old copy. 0: not kept.
    `build` returns False for "nothing there", which is kept too.
    """
    seconds = settings.OBJECT_CACHE_SECONDS
    if seconds <= 0:
        return build()
    version = content_version()
    entry = _lookup(name)
    claimed = claim(name, entry, version)
    if claimed == SERVE:
        return entry[2]
    value = build()
    _remember(name, (version, time.time() + seconds, value), seconds + STALE_GRACE_SECONDS)
    if claimed == REBUILD:
        rebuilt(name)
    return value


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

    def get_many_along(self, keys, commands):
        """get_many() with the Redis commands `commands(pipeline)` adds, in one round trip."""
        pipeline = self.get_client(write=True).pipeline(transaction=False)
        pipeline.mget(keys)
        commands(pipeline)
        values = pipeline.execute()[0]
        return {
            key: self._serializer.loads(value) for key, value in zip(keys, values, strict=True) if value is not None
        }


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
        return self._call_with(
            lambda: getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs), default, operation
        )

    def _call_with(self, call, default, operation):
        if time.monotonic() < self._down_until:
            return default
        try:
            return call()
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

    def get_many_along(self, keys, commands, version=None):
        """
        (get_many(keys), True), with the raw Redis commands that `commands(pipeline)` adds
        sent in the same round trip; ({}, False) when Redis failed.
        """
        made = {self.make_and_validate_key(key, version=version): key for key in keys}

        def call():
            found = self._cache.get_many_along(list(made), commands)
            return {made[key]: value for key, value in found.items()}, True

        return self._call_with(call, ({}, False), "get_many_along")

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
