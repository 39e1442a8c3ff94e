"""
Article view counts: each view adds one, exactly, even when many arrive at once and when
the page itself comes from the page cache.

With Redis (REDIS_URL) a view is one HINCRBY on a hash of pending counts, shared by all
app servers (sent in the same round trip as the page's cache read: ArticleViews); now
and then one process moves the pending counts into PostgreSQL in a batch (flush_pending). Without Redis, or when it cannot be reached, a view is one atomic
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

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import ResponseError

from core.store import FAILURES, redis_client, redis_failed

from .models import Article, ViewCountBatch

logger = logging.getLogger(__name__)

PENDING = "wuda:views:pending"
BATCH_PREFIX = "wuda:views:batch:"
FLUSH_LOCK = "wuda:views:flush-lock"
FLUSH_EVERY_SECONDS = 10

_next_flush = None  # set on the first view: a new process does not flush at once
_next_prune = 0.0


def record_view(article_id):
    """Count one view of the article: in Redis if it can be reached, else in the database."""
    client = redis_client()
    if client is not None:
        try:
            client.hincrby(PENDING, article_id, 1)
        except FAILURES as exc:
            redis_failed(exc, "view count")
        else:
            _flush_now_and_then(client)
            return
    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)


class ArticleViews:
    """
    The views of an article's page (core.pagecache.public_page(counts=...)): each public
    view counts once, sent along with the page's cache read; a view of something that was
    no public page is taken back. Should Redis fail between the two, that one count stays:
    a draft's count may be one too high (an id without an article is never written).
    """

    def key(self, view_kwargs, query):
        return None if query.get("print") else view_kwargs["pk"]

    def along(self, article_id):
        return lambda pipeline: pipeline.hincrby(PENDING, article_id, 1)

    def record(self, article_id):
        record_view(article_id)

    def take_back(self, article_id):
        client = redis_client()
        if client is not None:
            try:
                client.hincrby(PENDING, article_id, -1)
            except FAILURES as exc:
                redis_failed(exc, "view count")
                return
            _flush_now_and_then(client)


article_views = ArticleViews()


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
    client = client or redis_client()
    if client is None:
        return 0
    if not client.set(FLUSH_LOCK, "1", nx=True, ex=60):
        return 0  # another process is flushing
    moved = 0
    try:
        batch = batch_name()
        try:
            client.rename(PENDING, batch)
        except ResponseError:
            pass  # nothing pending
        for name in sorted(key.decode() for key in client.scan_iter(match=f"{BATCH_PREFIX}*")):
            moved += _apply_batch(client, name)
        _prune_batch_records()
    finally:
        client.delete(FLUSH_LOCK)
    return moved


def batch_name():
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
