"""
Article view counts: each view adds one, exactly, even when many arrive at once and when
the page itself comes from the page cache.

With Redis (REDIS_URL) a view is one HINCRBY on a hash of pending counts, shared by all
app servers (sent in the same round trip as the page's cache reads where it can be:
count_view_along); now and then one process moves the pending counts into PostgreSQL in a batch
(flush_pending). Without Redis, or when it cannot be reached, a view is one atomic
UPDATE ... SET view_count = view_count + 1.

A batch is taken out of the hash by renaming it, written in one transaction that also
records the batch's name, and deleted afterwards; a batch left behind by a crash is
written on the next flush unless its name is recorded already. So no view is counted
twice or lost.
"""

import logging
import time
import uuid
from datetime import timedelta

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Article, ViewCountBatch

logger = logging.getLogger(__name__)

PENDING = "wuda:views:pending"
BATCH_PREFIX = "wuda:views:batch:"
FLUSH_LOCK = "wuda:views:flush-lock"
FLUSH_EVERY_SECONDS = 10
RETRY_AFTER_SECONDS = 5

_client = None
_down_until = 0.0
_next_flush = None  # set on the first view: a new process does not flush at once
_next_prune = 0.0


def _redis(*, reached=False):
    """
    The Redis client, or None without REDIS_URL or for a few seconds after a failure (unless
    Redis was `reached` just now by another client).
    """
    global _client
    if not settings.REDIS_URL or (time.monotonic() < _down_until and not reached):
        return None
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.25, socket_timeout=0.5)
    return _client


def _redis_failed(exc):
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_SECONDS
    logger.warning("View counter: Redis unavailable, counting in the database: %s", exc)


def record_view(article_id):
    """Count one view of the article."""
    client = _redis()
    if client is not None:
        try:
            client.hincrby(PENDING, article_id, 1)
        except redis.RedisError as exc:
            _redis_failed(exc)
        else:
            _flush_now_and_then(client)
            return
    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)


def count_view_along(article_id):
    """
    The Redis command that counts one view, for a page that sends it along with its cache
    reads in one round trip (wuda_portal.cache.prefetch); then view_counted_along() after.
    """
    return lambda pipeline: pipeline.hincrby(PENDING, article_id, 1)


def view_counted_along(article_id, *, shown):
    """
    A view counted along the cache reads, before it was known whether the article is
    public: kept if the page `shown` it, taken back otherwise (the visitor got a 404). Should
    Redis fail between the two, that one count stays: a draft's count may be one too high
    (an id without an article is never written).
    """
    client = _redis(reached=True)  # the cache's client reached Redis a moment ago
    try:
        if not shown:
            client.hincrby(PENDING, article_id, -1)
            return
    except redis.RedisError as exc:
        _redis_failed(exc)
        return
    _flush_now_and_then(client)


def _flush_now_and_then(client):
    """Every FLUSH_EVERY_SECONDS one view per process also moves the pending counts."""
    global _next_flush
    now = time.monotonic()
    if _next_flush is None:
        _next_flush = now + FLUSH_EVERY_SECONDS
    if now < _next_flush:
        return
    _next_flush = now + FLUSH_EVERY_SECONDS
    try:
        flush_pending(client)
    except Exception:  # a failed flush leaves the counts in Redis for the next one
        logger.exception("View counter: flush failed")


def flush_pending(client=None):
    """Move pending counts from Redis into the database. Returns the number of views moved."""
    client = client or _redis()
    if client is None:
        return 0
    if not client.set(FLUSH_LOCK, "1", nx=True, ex=60):
        return 0  # another process is flushing
    moved = 0
    try:
        batch = _batch_name()
        try:
            client.rename(PENDING, batch)
        except redis.ResponseError:
            pass  # nothing pending
        for name in sorted(key.decode() for key in client.scan_iter(match=f"{BATCH_PREFIX}*")):
            moved += _apply_batch(client, name)
        _prune_batch_records()
    finally:
        client.delete(FLUSH_LOCK)
    return moved


def _batch_name():
    # Named in the order they are made, and written in that order (flush_pending sorts them):
    # a view taken back (view_counted_along) never reaches the database before the view.
    return f"{BATCH_PREFIX}{time.time_ns():020d}-{uuid.uuid4().hex}"


def _apply_batch(client, name):
    # A view counted along a page's cache reads and taken back leaves a count of 0.
    counts = {int(article_id): int(count) for article_id, count in client.hgetall(name).items() if int(count)}
    with transaction.atomic():
        try:
            with transaction.atomic():
                ViewCountBatch.objects.create(name=name)
        except IntegrityError:
            moved = 0  # written before a crash kept it from being deleted
        else:
            for article_id, count in counts.items():
                Article.objects.filter(pk=article_id).update(view_count=F("view_count") + count)
            moved = sum(counts.values())
    client.delete(name)
    return moved


def _prune_batch_records():
    """Batch names only matter until their batch is gone from Redis: keep a day of them."""
    global _next_prune
    if time.monotonic() >= _next_prune:
        _next_prune = time.monotonic() + 3600
        ViewCountBatch.objects.filter(applied_at__lt=timezone.now() - timedelta(days=1)).delete()


def on_cached_page_served(sender, payload, **kwargs):
    """A cached article page was served: count the view its view would have counted."""
    if isinstance(payload, dict) and "article_view" in payload:
        record_view(payload["article_view"])
