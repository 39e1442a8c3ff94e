"""`generate_articles N`: the benchmark's archive, written straight into PostgreSQL."""

import pytest
from django.core.management import call_command

from news.models import Article, ArticleSearchEntry


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_generates_published_searchable_articles(client):
    call_command("load_demo")
    before = Article.objects.count()
    call_command("generate_articles", "60")
    generated = Article.objects.exclude(external_key__startswith="demo:")
    assert Article.objects.count() == before + 60 == before + generated.count()
    assert ArticleSearchEntry.objects.filter(article__in=generated).count() == 60
    article = generated.published().order_by("-published_at").first()
    assert client.get(article.get_absolute_url()).status_code == 200
    found = client.get("/search/", {"q": article.title}).content.decode()
    assert f'href="{article.get_absolute_url()}"' in found
