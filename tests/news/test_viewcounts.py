import threading

import pytest
from django.db import connection

from news.models import Article
from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_each_view_counts_once(client):
    article = ArticleFactory()
    for _ in range(3):
        client.get(article.get_absolute_url())
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
    article.refresh_from_db()
    assert article.view_count == threads * per_thread
