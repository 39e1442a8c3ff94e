"""
Where core.caching keeps its entries, and the portal's one Redis client.

With Redis (REDIS_URL) entries go to the Redis of Django's default cache through
django-redis's connection pool (`get_redis_connection`, its public API), so that a page's
reads and the commands sent along with them (a view count) share one round trip. Without
Redis they go to Django's default cache (each process's memory), and nothing is sent along.

An unreachable Redis is an empty cache: pages are built from the database, slower but not
broken. After a failure the process leaves Redis alone for a few seconds (one timeout, not
one per call), then tries again; each failure is logged once. The view counters use the
same client and the same rule (`redis_client`).

Entries are kept under the release's fingerprint (core.release): a new release never reads
what an older one kept, however the shape of what is cached changed.
"""

import logging
import pickle
import time

from django.conf import settings
from django.core.cache import cache
from redis.commands import CoreCommands
from redis.exceptions import RedisError

from .release import fingerprint

logger = logging.getLogger(__name__)

# Shared by all releases: an edit through an app server still on the old release
# invalidates what the new one keeps.
VERSION_KEY = "content-version"
RETRY_AFTER_SECONDS = 5
FAILURES = (RedisError, OSError)

_down_until = 0.0
_version_move_owed = False  # a move of the content version that failed (incr_version)


def redis_client():
    """The shared Redis client, or None without Redis or for a few seconds after a failure."""
    if not settings.REDIS_URL or time.monotonic() < _down_until:
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


class _Commands(CoreCommands):
    """Takes down the commands called on it (redis-py's own command methods), to be sent later."""

    def __init__(self):
        self.taken = []

    def execute_command(self, *args, **options):
        self.taken.append(args)


def _mget(client, keys, along=()):
    """
    MGET `keys`, with the commands `along` (each called on a pipeline-like object) sent in
    the same write: the page cache's one round trip per hit. Written and read on a
    connection of the client's pool directly, without the client's per-command layers
    (retries, observability hooks), which cost more than the round trip's own work. A
    connection that failed is dropped, as the client would; an error reply to any command
    fails the read.
    """
    commands = _Commands()
    commands.execute_command("MGET", *keys)
    for command in along:
        command(commands)
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_packed_command(connection.pack_commands(commands.taken))
        return [connection.read_response() for _ in commands.taken][0]
    except BaseException:
        connection.disconnect()
        raise
    finally:
        pool.release(connection)


def redis_failed(exc, what):
    """Note a failure of Redis: it is left alone for RETRY_AFTER_SECONDS."""
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_SECONDS
    logger.warning("Redis unavailable (%s), going on without it for %ss: %s", what, RETRY_AFTER_SECONDS, exc)


def forget_failures():
    """Try Redis again at once (after an outage was mended; between tests)."""
    global _down_until
    _down_until = 0.0


def _starting_version():
    # From the clock, so that a number is never reused for other content after Redis lost
    # its data.
    return time.time_ns() // 1000


class RedisStore:
    supports_along = True

    def key(self, name):
        if name == VERSION_KEY:
            return f"{cache.key_prefix}:{name}"
        return f"{cache.key_prefix}:{fingerprint()}:{name}"

    def read(self, names, *, along=()):
        """({name: value} of those found, whether `along` was sent), in one round trip."""
        client = redis_client()
        if client is None:
            return {}, False
        if _version_move_owed:
            self.incr_version()  # before reading anything built under the old version
        keys = [self.key(name) for name in names]
        try:
            values = _mget(client, keys, along)
        except FAILURES as exc:
            redis_failed(exc, "read")
            return {}, False
        found = {}
        for name, raw in zip(names, values, strict=True):
            if raw is not None:
                found[name] = int(raw) if name == VERSION_KEY else pickle.loads(raw)  # noqa: S301 (written by write())
        return found, bool(along)

    def _call(self, what, default, call):
        client = redis_client()
        if client is None:
            return default
        try:
            return call(client)
        except FAILURES as exc:
            redis_failed(exc, what)
            return default

    def write(self, name, entry, seconds):
        data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        self._call("write", None, lambda client: client.set(self.key(name), data, ex=max(1, int(seconds))))

    def add(self, name, seconds):
        """Set a flag `name` if it is not set (a lock); True if this call set it."""
        return bool(self._call("add", False, lambda client: client.set(self.key(name), 1, nx=True, ex=seconds)))

    def delete(self, name):
        self._call("delete", None, lambda client: client.delete(self.key(name)))

    def incr_version(self):
        """
        Move the content version. Tried even while this process leaves Redis alone after a
        failure, and if it fails it is owed: the next call that reaches Redis moves it, so an
        edit made during a blip is not lost for the other app servers.
        """
        global _version_move_owed
        if not settings.REDIS_URL:
            return
        from django_redis import get_redis_connection

        try:
            self._move_version(get_redis_connection("default"))
        except FAILURES as exc:
            _version_move_owed = True
            redis_failed(exc, "version")
        else:
            _version_move_owed = False

    def _move_version(self, client):
        # A cache without a version (fresh or flushed) starts from the clock, not from 0.
        pipeline = client.pipeline(transaction=False)
        pipeline.set(self.key(VERSION_KEY), _starting_version(), nx=True)
        pipeline.incr(self.key(VERSION_KEY))
        pipeline.execute()

    def start_version(self):
        """
        The version of a cache that has none yet (fresh or flushed), set from the clock; None
        while Redis is unreachable.
        """

        def start(client):
            client.set(self.key(VERSION_KEY), _starting_version(), nx=True)
            return int(client.get(self.key(VERSION_KEY)))

        return self._call("version", None, start)


class ProcessStore:
    """Django's default cache (each process's memory) when there is no Redis."""

    supports_along = False

    def key(self, name):
        return name if name == VERSION_KEY else f"{fingerprint()}:{name}"

    def read(self, names, *, along=()):
        found = cache.get_many([self.key(name) for name in names])
        return {name: found[self.key(name)] for name in names if self.key(name) in found}, False

    def write(self, name, entry, seconds):
        cache.set(self.key(name), entry, timeout=seconds)

    def add(self, name, seconds):
        return cache.add(self.key(name), 1, timeout=seconds)

    def delete(self, name):
        cache.delete(self.key(name))

    def incr_version(self):
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, _starting_version(), timeout=None)

    def start_version(self):
        cache.add(VERSION_KEY, _starting_version(), timeout=None)
        return cache.get(VERSION_KEY, 0)


class _Store:
    """The store for the current settings (REDIS_URL may change in tests)."""

    _redis, _process = RedisStore(), ProcessStore()

    def __getattr__(self, name):
        return getattr(self._redis if settings.REDIS_URL else self._process, name)


store = _Store()
