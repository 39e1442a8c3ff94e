"""`generate_articles N`: the benchmark's archive, written straight into PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection

from news.models import Article, ArticleSearchEntry
from news.search import search_key


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_generates_published_searchable_articles(client):
    call_command("load_demo")
    before = Article.objects.count()
    call_command("generate_articles", "60")
    generated = Article.objects.exclude(external_key__startswith="demo:")
    assert Article.objects.count() == before + 60 == before + generated.count()
    assert ArticleSearchEntry.objects.filter(article__in=generated).count() == 60
    with connection.cursor() as cursor:  # the search key as a save computes it
        cursor.execute("SELECT key, text FROM news_articlesearchentry")
        keys = cursor.fetchall()
    assert len(keys) >= 60 and all(key == search_key(text) for key, text in keys)
    article = generated.published().order_by("-published_at").first()
    assert client.get(article.get_absolute_url()).status_code == 200
    found = client.get("/search/", {"q": article.title}).content.decode()
    assert f'href="{article.get_absolute_url()}"' in found
    with connection.cursor() as cursor:  # the lines' index, dropped for the load, is built again
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'news_search_line_grams'")
        assert "gin (news_search_line_grams(key, published_at))" in cursor.fetchone()[0]
