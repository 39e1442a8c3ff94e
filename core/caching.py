"""
The cache of what pages are built from, behind one small interface.

Everything kept here is derived from content: whole pages (core.pagecache), the site
frame, the 栏目 tree, a page of a list, an article's page data. One number, the content
version, invalidates all of it: every change to a model that pages read moves it
(registered in settings.PAGE_CONTENT_MODELS, wired in core.apps), and an entry counts only
while the version it was built under is current. So every app server sharing the cache
sees an edit on its next request without anyone knowing which entries the edit touched.

A selector that keeps something names it with `Cached(name, build)` and asks for it with
`get(...)`; everything one page needs is asked for at once and read in one round trip,
together with the content version. Within a request what was read is remembered
(contextvars: per thread under WSGI, per task under ASGI), so the site frame asked for
again while the page renders costs nothing.

Nobody outside this module sees an entry's fields or a key: selectors get values, the page
cache gets `Lookup`s.
"""

import contextvars
import hashlib
import math
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from .store import VERSION_KEY, store

# An entry past its time is kept this much longer, to be served while one request builds
# its successor (instead of every request building it at once).
STALE_GRACE_SECONDS = 30
REBUILD_LOCK_SECONDS = 10
# How long an entry kept "until the content changes" is kept at most: should a move of the
# content version be lost (core.store retries it), it is wrong no longer than this.
UNTIL_CHANGED_SECONDS = 600


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached value, built under content `version`, fresh until `fresh_until` (a time)."""

    version: int
    fresh_until: float  # math.inf: until the content changes
    value: object = None
    missing: bool = False  # built, and there was nothing there (a 404): kept like a value


@dataclass(frozen=True)
class Cached:
    """
    Something derived from content, kept under `name`: `build()` makes it, and returns
    None when there is nothing there. `fresh_for` seconds bound how late what time alone
    changes (a scheduled article coming due) shows; None: kept until the content changes.
    """

    name: str
    build: object
    fresh_for: object = None  # seconds, a callable giving seconds, or None

    def seconds(self):
        return self.fresh_for() if callable(self.fresh_for) else self.fresh_for


@dataclass(frozen=True)
class Unkept:
    """What a build returns for a value not to be kept: e.g. "nothing there" for an address
    that names nothing at all, which anyone can make up by the million."""

    value: object = None


def object_seconds():
    """How long page data stays fresh (OBJECT_CACHE_SECONDS; 0 keeps nothing)."""
    return settings.OBJECT_CACHE_SECONDS


# --- The request ------------------------------------------------------------------------


@dataclass
class _Scope:
    version: int | None = None
    entries: dict = field(default_factory=dict)  # name -> Entry or None, read in this request
    along: list = field(default_factory=list)  # commands to send with the next read
    sent_along: bool = False


_scope = contextvars.ContextVar("portal_cache_scope", default=None)


def begin_request():
    """Start remembering reads for one request; end_request(token) forgets them."""
    return _scope.set(_Scope())


def end_request(token):
    _scope.reset(token)


def send_along(command):
    """
    Send `command(pipeline)` (a Redis command) with this request's next read. Returns a
    function telling afterwards whether it was sent (False without Redis or when it failed,
    or when no read came: the caller then does its part another way).
    """
    scope = _scope.get()
    if scope is None or not store.supports_along:
        return lambda: False
    scope.along.append(command)
    return lambda: scope.sent_along and command not in scope.along


def current_version():
    """
    The content version this request has read: None outside a request, before any read, and
    while the cache is unreachable (then nothing may be kept on the strength of it).
    """
    scope = _scope.get()
    return scope.version if scope is not None else None


# --- Reading ----------------------------------------------------------------------------


def read(*items):
    """
    Read what the cache holds of `items` (and the content version) in one round trip,
    building nothing yet: for a page that decides from one item (the 栏目 tree) whether it
    needs another (a page of that 栏目). Outside a request there is nowhere to keep it.
    """
    return _read(_scope.get() or _Scope(), items)


def _read(scope, items):
    wanted = [item.name for item in items if item.name not in scope.entries]
    if wanted or scope.version is None or scope.along:
        along, scope.along = scope.along, []
        found, sent = store.read([VERSION_KEY, *wanted], along=along)
        scope.sent_along = scope.sent_along or (sent and bool(along))
        scope.version = found.get(VERSION_KEY) or scope.version or store.start_version()
        scope.entries.update((name, found.get(name)) for name in wanted)
    return scope


def get(*items):
    """The values of `items` (Cached), built where the cache lacks them, read in one round trip."""
    scope = _read(_scope.get() or _Scope(), items)
    return [_value(item, scope) for item in items]


def get_one(item):
    return get(item)[0]


def short_name(text):
    """`text` (from an address) as part of a name: long ones are hashed."""
    return text if len(text) <= 64 else hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _value(item, scope):
    seconds = item.seconds()
    if scope.version is None or (seconds is not None and seconds <= 0):
        return item.build()  # the cache is unreachable, or this is not to be kept
    entry = scope.entries.get(item.name)
    decision = claim(item.name, entry, scope.version)
    if decision == SERVE:
        return entry.value
    value = item.build()
    if isinstance(value, Unkept):
        if decision == REBUILD:
            store.delete(item.name + ":rebuild")
        return value.value
    entry = Entry(scope.version, math.inf if seconds is None else time.time() + seconds, value, missing=value is None)
    keep = UNTIL_CHANGED_SECONDS if seconds is None else seconds + STALE_GRACE_SECONDS
    store.write(item.name, entry, keep)
    scope.entries[item.name] = entry
    if decision == REBUILD:
        store.delete(item.name + ":rebuild")
    return value


SERVE, REBUILD, BUILD = "serve", "rebuild", "build"


def claim(name, entry, version):
    """
    What a request does with the entry found under `name`, for pages and page data alike:
    SERVE it (current and fresh, or past its time while another request builds its
    successor), REBUILD it (past its time, and this request took the rebuild lock), or
    BUILD it (none, or of an older content version).
    """
    if entry is None or entry.version != version:
        return BUILD
    if time.time() < entry.fresh_until:
        return SERVE
    return REBUILD if store.add(name + ":rebuild", REBUILD_LOCK_SECONDS) else SERVE


# --- What the page cache uses -----------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """The page cache's read of one page: what to do, and the page if there is one to serve."""

    decision: str
    version: int
    page: object = None
    counted: bool = False  # the command sent along was carried out


def look_up_page(name, *, along=None):
    """Read a whole page and the content version in one round trip (with `along` commands)."""
    found, sent = store.read([VERSION_KEY, name], along=[along] if along else [])
    version = found.get(VERSION_KEY) or store.start_version()
    entry = found.get(name)
    decision = claim(name, entry, version)
    return Lookup(decision, version, entry.value if decision == SERVE else None, counted=sent and along is not None)


def keep_page(name, lookup, page, seconds):
    """Keep `page` for `seconds` (and a grace period) under the version `lookup` read."""
    if lookup.version is None:
        return  # the cache is unreachable
    store.write(name, Entry(lookup.version, time.time() + seconds, page), seconds + STALE_GRACE_SECONDS)
    if lookup.decision == REBUILD:
        store.delete(name + ":rebuild")


def last_known(item):
    """The value last kept for `item` whatever its version, or None: for the error pages."""
    entry = store.read([item.name])[0].get(item.name)
    return entry.value if entry is not None else None


# --- Invalidation -----------------------------------------------------------------------


def content_changed(using=None, **kwargs):
    """
    Invalidate everything derived from content. A signal receiver (core.apps connects it
    for every model in settings.PAGE_CONTENT_MODELS).

    Inside a transaction the version moves at once (this request reads its own change) and
    again on commit: a request that read the first move before the commit built what it
    kept from the data as it was before the change, and the second move retires that.
    """
    _move_version()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(_move_version, using=using)


def _move_version():
    scope = _scope.get()
    if scope is not None:
        scope.version = None
        scope.entries.clear()
    store.incr_version()
