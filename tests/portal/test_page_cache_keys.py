"""Findings on the page cache (core.pagecache) and odd input on public pages."""

import pytest

from tests.factories import ArticleFactory
from tests.portal.test_page_cache import _page_entries
from tests.wsgi_client import WSGIClient
from wuda_portal.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    return WSGIClient(application)


@pytest.mark.redis
def test_leading_zeros_in_an_article_address_make_no_new_entries(web):
    article = ArticleFactory(title="缓存的文章")
    assert web.get(f"/articles/{article.pk}/").status_code == 200
    for zeros in range(1, 41):
        answer = web.get(f"/articles/{'0' * zeros}{article.pk}/")
        assert answer.status_code in (200, 301, 404)
    assert len(_page_entries()) <= 2, len(_page_entries())


def test_a_kept_page_holds_nothing_of_the_parameters_it_does_not_read(web):
    """preferences_url() writes request.get_full_path() (raw query) into every page."""
    ArticleFactory(title="首页文章")
    first = web.get("/?next=/search/%3Fq%3D%E5%81%87%E6%B6%88%E6%81%AF&utm=attacker")
    assert first.status_code == 200
    served = web.get("/")
    assert served["X-Page-Cache"] == "hit"
    assert "attacker" not in served.content.decode(), "an unknown parameter reached the kept page"


@pytest.mark.redis
def test_a_head_request_is_no_view(web):
    from news.models import Article
    from news.viewcounts import flush_pending

    article = ArticleFactory()
    for _ in range(3):
        assert web.get(article.get_absolute_url(), method="HEAD").status_code == 200
    flush_pending()
    assert Article.objects.get(pk=article.pk).view_count == 0


@pytest.mark.redis
def test_search_words_past_the_length_the_page_reads_make_no_new_entries(web):
    ArticleFactory(title="党建引领")
    base = "党建" + "很" * 98  # MAX_QUERY_LENGTH (100): the page reads no more
    for n in range(20):
        assert web.get(f"/search/?q={base}{n}").status_code == 200
        assert web.get(f"/search/?q=%20{base}{' ' * n}").status_code == 200
    assert len(_page_entries()) <= 2, len(_page_entries())


def test_a_made_up_session_cookie_does_not_pass_the_cache(web):
    """Any anonymous client can send `Cookie: sessionid=x` and make every request run Django."""
    article = ArticleFactory()
    web.get(article.get_absolute_url())
    answer = web.get(article.get_absolute_url(), HTTP_COOKIE="sessionid=made-up")
    assert answer.status_code == 200
    assert answer.headers.get("x-page-cache") == "hit"


@pytest.mark.redis
def test_addresses_of_no_article_leave_nothing_in_the_cache(web):
    import redis
    from django.conf import settings

    ArticleFactory()
    for n in range(500000, 500030):
        assert web.get(f"/articles/{n}/").status_code == 404
    client = redis.Redis.from_url(settings.REDIS_URL)
    kept = list(client.scan_iter(match="*:article:5*"))
    assert len(kept) == 0, len(kept)


@pytest.mark.redis
def test_a_sitemap_page_is_kept_once_whatever_digits_name_it(web):
    import unicodedata

    ArticleFactory()
    ones = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Nd" and unicodedata.digit(chr(c)) == 1]
    assert len(ones) > 50
    statuses = [web.get(f"/sitemap-articles.xml?p={one}").status_code for one in ones]
    assert statuses.count(200) <= 1 or len(_page_entries()) <= 1, (statuses.count(200), len(_page_entries()))
