import threading
import time

import pytest
from django.db import connection

from core.store import redis_client
from news.models import Article
from news.viewcounts import flush_pending
from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_each_view_counts_once(client):
    article = ArticleFactory()
    for _ in range(3):
        client.get(article.get_absolute_url())
    flush_pending()  # with Redis, views wait there until a flush
    article.refresh_from_db()
    assert article.view_count == 3


@pytest.mark.django_db
def test_printing_and_previews_do_not_count(client, editor):
    article = ArticleFactory()
    client.get(article.get_absolute_url(), {"print": "1"})
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(editor)
    client.get(draft.get_absolute_url())
    article.refresh_from_db()
    draft.refresh_from_db()
    assert article.view_count == 0 and draft.view_count == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_views_add_up_exactly():
    from django.test import Client

    article = ArticleFactory()
    threads, per_thread, errors = 8, 25, []

    def reader():
        try:
            client = Client()
            for _ in range(per_thread):
                assert client.get(article.get_absolute_url()).status_code == 200
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=reader) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    flush_pending()
    article.refresh_from_db()
    assert article.view_count == threads * per_thread


@pytest.fixture
def fresh_counter(monkeypatch):
    """The view counter's module state reset, as in a new process."""
    from core.store import forget_failures
    from news import viewcounts

    forget_failures()
    monkeypatch.setattr(viewcounts, "_next_flush", float("inf"))  # flush only when the test says
    return viewcounts


@pytest.mark.redis
@pytest.mark.django_db
def test_views_wait_in_redis_and_are_moved_in_batches(fresh_counter):
    article = ArticleFactory()
    client = redis_client()
    client.delete(fresh_counter.PENDING)
    for _ in range(7):
        fresh_counter.record_view(article.pk)
    article.refresh_from_db()
    assert article.view_count == 0
    assert int(client.hget(fresh_counter.PENDING, article.pk)) == 7
    assert fresh_counter.flush_pending() == 7
    article.refresh_from_db()
    assert article.view_count == 7
    assert fresh_counter.flush_pending() == 0


@pytest.mark.redis
@pytest.mark.django_db
def test_a_batch_left_by_a_crash_is_written_once(fresh_counter):
    from news.models import ViewCountBatch

    article = ArticleFactory()
    client = redis_client()
    left = fresh_counter.BATCH_PREFIX + "crashed-before-writing"
    written = fresh_counter.BATCH_PREFIX + "crashed-after-writing"
    client.hset(left, article.pk, 3)
    client.hset(written, article.pk, 100)
    ViewCountBatch.objects.create(name=written)  # its transaction had committed
    fresh_counter.flush_pending()
    article.refresh_from_db()
    assert article.view_count == 3
    assert not client.exists(left) and not client.exists(written)


@pytest.mark.redis
@pytest.mark.django_db
def test_batches_are_written_in_the_order_they_were_made(fresh_counter):
    # A visitor's view of a draft is counted and taken back (news.viewcounts.ArticleViews); if
    # the batch with the count could not be written at first, the batch with the taking
    # back must still come after it, or the draft would go below zero and the database
    # refuse the whole later batch.
    draft = ArticleFactory(status=Article.Status.DRAFT)
    other = ArticleFactory()
    client = redis_client()
    earlier = fresh_counter.batch_name()
    time.sleep(0.001)
    later = fresh_counter.batch_name()
    client.hset(earlier, draft.pk, 1)
    client.hset(later, mapping={draft.pk: -1, other.pk: 5})
    assert fresh_counter.flush_pending() == 5
    draft.refresh_from_db()
    other.refresh_from_db()
    assert (draft.view_count, other.view_count) == (0, 5)


@pytest.mark.django_db
def test_without_reachable_redis_views_go_straight_to_the_database(fresh_counter, settings):
    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.REDIS_URL = unreachable
    # The whole Redis configuration, as settings.py makes it from REDIS_URL: the store asks
    # django-redis for its connection. Copying the cache in use and changing its LOCATION
    # works only where that cache is django-redis already; without REDIS_URL (the SQLite
    # stage) it is LocMemCache, which has no connection to give (NotImplementedError).
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": unreachable,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    article = ArticleFactory()
    fresh_counter.record_view(article.pk)
    fresh_counter.record_view(article.pk)
    article.refresh_from_db()
    assert article.view_count == 2
