"""The page cache: fast for residents, never wrong, never leaking one visitor's data to another."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import Article
from news.viewcounts import flush_pending
from tests.factories import ArticleFactory, CategoryFactory
from tests.wsgi_client import WSGIClient
from wuda_portal.models import SiteProfile
from wuda_portal.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    """A visitor of the whole WSGI application, page cache included."""
    return WSGIClient(application)


def test_the_second_anonymous_request_is_served_from_the_cache(web):
    ArticleFactory(title="缓存的文章")
    first = web.get("/")
    second = web.get("/")
    assert "X-Page-Cache" not in first and second["X-Page-Cache"] == "hit"
    assert first.content == second.content and "缓存的文章" in second.content.decode()
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "Referrer-Policy"):
        assert second[header] == first[header]


def test_head_requests_get_the_headers_without_the_body(web):
    web.get("/")
    head = web.get("/", method="HEAD")
    assert head["X-Page-Cache"] == "hit" and head.content == b""


@pytest.mark.parametrize(
    "change",
    [
        lambda a: setattr(a, "title", "改过的标题") or a.save(),
        lambda a: Article.objects.get(pk=a.pk).delete(),
        lambda a: CategoryFactory(name="新栏目"),
        lambda a: SiteProfile.objects.get().save(),
    ],
    ids=["article edited", "article deleted", "category added", "site profile saved"],
)
def test_any_content_change_is_visible_on_the_next_request(web, change):
    article = ArticleFactory(title="原来的标题")
    web.get("/")
    assert web.get("/")["X-Page-Cache"] == "hit"
    change(article)
    assert "X-Page-Cache" not in web.get("/")


def test_an_edit_shows_at_once(web):
    article = ArticleFactory(title="原来的标题")
    web.get(article.get_absolute_url())
    article.title = "改过的标题"
    article.save()
    assert "改过的标题" in web.get(article.get_absolute_url()).content.decode()


def test_staff_always_see_fresh_pages(web, client, editor):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    web.get("/")
    client.force_login(editor)
    web.cookies["sessionid"] = client.cookies["sessionid"].value
    assert "X-Page-Cache" not in web.get("/")
    assert "预览" in web.get(draft.get_absolute_url()).content.decode()
    del web.cookies["sessionid"]
    assert web.get(draft.get_absolute_url()).status_code == 404


def test_reading_preferences_are_part_of_the_key(web):
    web.get("/")
    web.cookies.update(font_size="large", care_mode="1")
    first = web.get("/")
    assert "X-Page-Cache" not in first
    assert 'class="font-large care-mode"' in first.content.decode()
    assert web.get("/")["X-Page-Cache"] == "hit"
    other = WSGIClient(application)
    assert 'class="font-medium"' in other.get("/").content.decode()


def test_no_cookie_or_csrf_token_is_stored_or_replayed(web):
    web.get("/")
    replay = web.get("/")
    assert replay["X-Page-Cache"] == "hit" and not replay.cookies
    assert b"csrfmiddlewaretoken" not in replay.content


def test_answers_that_set_cookies_are_never_cached(web):
    for _ in range(2):
        answer = web.get("/prefs/", QUERY_STRING="font=large")
        assert answer.cookies["font_size"].value == "large" and "X-Page-Cache" not in answer
    for _ in range(2):
        login = web.get("/admin/login/")
        assert "csrftoken" in login.cookies and "X-Page-Cache" not in login


def test_errors_and_previews_are_not_cached(web):
    for _ in range(2):
        assert "X-Page-Cache" not in web.get("/no-such-page/")


def test_a_scheduled_article_appears_within_the_caches_lifetimes(web, settings):
    settings.PAGE_CACHE_SECONDS = 1
    settings.OBJECT_CACHE_SECONDS = 1
    category = CategoryFactory()
    ArticleFactory(category=category, title="已经发布")
    ArticleFactory(category=category, title="定时发布", published_at=timezone.now() + timedelta(milliseconds=500))
    assert "定时发布" not in web.get("/").content.decode()
    assert web.get("/")["X-Page-Cache"] == "hit"
    time.sleep(2.1)  # past the article's time plus both caches' lifetimes
    assert "定时发布" in web.get("/").content.decode()


def test_the_cache_can_be_turned_off(web, settings):
    settings.PAGE_CACHE_SECONDS = 0
    web.get("/")
    assert "X-Page-Cache" not in web.get("/")


def test_cached_article_views_are_counted(web):
    article = ArticleFactory()
    for _ in range(5):
        web.get(article.get_absolute_url())
    assert web.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    flush_pending()
    article.refresh_from_db()
    assert article.view_count == 6


def test_past_its_time_one_request_rebuilds_while_the_others_get_the_old_copy(web, settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 1
    ArticleFactory(title="旧的首页")
    web.get("/")
    time.sleep(1.2)
    key = _page_key(web, "/")
    assert cache.add(key + ":rebuild", 1, timeout=10)  # another request is rebuilding it
    assert web.get("/")["X-Page-Cache"] == "hit"
    cache.delete(key + ":rebuild")
    assert "X-Page-Cache" not in web.get("/")  # this request rebuilds it


def _page_key(web, path):
    from wuda_portal.pagecache import PageCache

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "HTTP_HOST": web.host,
        "wsgi.url_scheme": "http",
    }
    return PageCache(None).key(environ)
