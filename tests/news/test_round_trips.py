"""
Redis round trips per public page, asserted like the query budgets: once the cache holds a
page's data, the page costs one round trip, which reads the content version, the site
frame, the 栏目 tree and the page's own data (and, on an article, counts the view). On this
kind of machine a round trip over loopback costs more than rendering half the page.
"""

import pytest
from redis.connection import AbstractConnection

from core.store import redis_client
from news.models import Article
from news.viewcounts import PENDING, flush_pending
from tests.factories import ArticleFactory

from .test_query_budget import build_site, urls


@pytest.fixture
def round_trips(monkeypatch):
    """The Redis round trips made while the test runs (each one sends its commands at once)."""
    trips = []
    send = AbstractConnection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        trips.append(command)
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return trips


@pytest.mark.redis
@pytest.mark.django_db
def test_a_page_whose_data_is_cached_costs_one_round_trip(client, monkeypatch, round_trips):
    monkeypatch.setattr("news.viewcounts._next_flush", float("inf"))  # not the periodic flush
    category, article = build_site(30)
    last_page = f"{category.get_absolute_url()}?page={max(1, -(-category.articles.count() // 20))}"
    for name, url in {**urls(category, article), "list-last-page": last_page}.items():
        assert client.get(url).status_code == 200, name  # builds and keeps the page's data
        round_trips.clear()
        assert client.get(url).status_code == 200, name
        assert len(round_trips) == 1, (name, round_trips)


@pytest.mark.redis
@pytest.mark.django_db
def test_a_visitors_404_for_a_draft_or_a_missing_article_counts_no_view(client):
    # The view is counted along the cache reads, before the article is known; a 404 takes it back.
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/articles/987654321/").status_code == 404
    pending = redis_client().hgetall(PENDING)
    assert all(int(count) == 0 for count in pending.values()), pending
    flush_pending()
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 200
    flush_pending()
    draft.refresh_from_db()
    assert draft.view_count == 1


@pytest.mark.redis
@pytest.mark.django_db
def test_a_qr_code_and_a_redirect_to_another_site_once_their_data_is_kept(client, monkeypatch, round_trips):
    # A 外链 article's 302 is no view: the view counted along the read is taken back, as
    # for a 404 (the counter cannot know before the read that the article is elsewhere).
    monkeypatch.setattr("news.viewcounts._next_flush", float("inf"))
    article = ArticleFactory()
    reprint = ArticleFactory(external_url="https://www.12371.cn/2026/01/05/ARTI1.shtml", body="")
    budget = {article.get_absolute_url() + "qr.svg": (200, 1), reprint.get_absolute_url(): (302, 2)}
    for url, (status, trips) in budget.items():
        assert client.get(url).status_code == status, url
        round_trips.clear()
        assert client.get(url).status_code == status, url
        assert len(round_trips) <= trips, (url, round_trips)
    flush_pending()
    reprint.refresh_from_db()
    assert reprint.view_count == 0
