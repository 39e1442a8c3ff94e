"""The page cache: fast for residents, never wrong, never leaking one visitor's data to another."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import SiteProfile
from news.models import Article
from news.viewcounts import flush_pending
from tests.factories import ArticleFactory, CategoryFactory
from tests.wsgi_client import WSGIClient
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
    from core.staff_marker import STAFF_COOKIE

    draft = ArticleFactory(status=Article.Status.DRAFT)
    web.get("/")
    client.force_login(editor)
    client.get("/admin/")  # a logged-in staff member's browser is given the signed marker
    web.cookies["sessionid"] = client.cookies["sessionid"].value
    web.cookies[STAFF_COOKIE] = client.cookies[STAFF_COOKIE].value
    assert "X-Page-Cache" not in web.get("/")
    assert "预览" in web.get(draft.get_absolute_url()).content.decode()
    del web.cookies["sessionid"], web.cookies[STAFF_COOKIE]
    assert web.get(draft.get_absolute_url()).status_code == 404


def test_a_staff_marker_is_signed_and_leaves_with_the_session(web, client, editor):
    from core.staff_marker import STAFF_COOKIE

    ArticleFactory()
    web.get("/")
    web.cookies.update({"sessionid": "made-up", STAFF_COOKIE: "1:made-up"})
    assert web.get("/")["X-Page-Cache"] == "hit"  # neither cookie proves anything
    client.force_login(editor)
    marker = client.get("/admin/").cookies[STAFF_COOKIE].value
    client.logout()
    client.cookies[STAFF_COOKIE] = marker  # the browser still has it after the session ended
    assert client.get("/admin/login/").cookies[STAFF_COOKIE].value == ""  # taken back


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


# The rebuilding request runs in a thread of its own, with a database connection of its own,
# as in another worker: it must find the test's data committed. Inside the test's
# transaction SQLite's shared in-memory test database answers that connection "database
# table is locked" (a 503, nothing kept), and the old copy went on being served for the rest
# of the rebuild lock (PostgreSQL merely hid the uncommitted article from it).
@pytest.mark.django_db(transaction=True)
def test_past_its_time_one_request_rebuilds_while_the_others_get_the_old_copy(web, settings, monkeypatch):
    import threading

    from django.db import connection

    from news import selectors

    settings.PAGE_CACHE_SECONDS = 1
    settings.OBJECT_CACHE_SECONDS = 0
    ArticleFactory(title="旧的首页")
    web.get("/")
    time.sleep(1.2)
    rebuilding, release = threading.Event(), threading.Event()
    home_page = selectors.home_page

    def slow_home_page():  # the request that rebuilds the page takes its time
        rebuilding.set()
        release.wait(5)
        return home_page()

    rebuilt = []

    def other_request():
        try:
            rebuilt.append(WSGIClient(application).get("/"))
        finally:
            connection.close()

    monkeypatch.setattr(selectors, "home_page", slow_home_page)
    other = threading.Thread(target=other_request)
    other.start()
    assert rebuilding.wait(5)
    assert web.get("/")["X-Page-Cache"] == "hit"  # the old copy meanwhile
    release.set()
    other.join()
    assert rebuilt[0].status_code == 200 and "X-Page-Cache" not in rebuilt[0]
    monkeypatch.undo()
    assert web.get("/")["X-Page-Cache"] == "hit"  # what the other request built
    time.sleep(1.2)
    assert "X-Page-Cache" not in web.get("/")  # past its time again: this request rebuilds it


def _page_key(web, path):
    from core.pagecache import PageCache

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "HTTP_HOST": web.host,
        "wsgi.url_scheme": "http",
    }
    target = PageCache(None).target(environ)
    return target and target[0]


# --- What anonymous requests can make the cache keep (security review, issue 14 §3) ------


def _page_entries():
    """The page cache's entries in the test Redis database."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    return [key for key in client.scan_iter(match="*:page:*") if not key.endswith(b":rebuild")]


@pytest.mark.redis
def test_unknown_query_parameters_neither_make_entries_nor_pass_the_cache(web):
    ArticleFactory(title="首页文章")
    web.get("/")
    for n in range(40):
        answer = web.get(f"/?u={n}")
        assert answer.status_code == 200 and answer["X-Page-Cache"] == "hit"
    assert len(_page_entries()) == 1


@pytest.mark.parametrize(
    ("first", "same"),
    [
        ("/search/?q=党建", "/search/?q=党建&utm_source=wechat&x=1"),
        ("/search/?q=党建", "/search/?q=%E5%85%9A%E5%BB%BA"),  # the same text, percent-encoded
        ("/news/{slug}/?page=1", "/news/{slug}/?page=01&u=2"),  # the same page number
        ("/news/{slug}/?page=2", "/news/{slug}/?page=1&page=2"),  # the value the page reads
        ("/articles/{pk}/", "/articles/{pk}/?print=0&z=9"),  # not the print view
    ],
)
def test_a_page_is_kept_once_whatever_else_the_address_says(web, first, same):
    category = CategoryFactory(slug="dongtai")
    article = ArticleFactory(category=category, title="党建引领")
    ArticleFactory.create_batch(25, category=category)
    first, same = (url.format(slug=category.slug, pk=article.pk) for url in (first, same))
    assert web.get(first).status_code == 200
    answer = web.get(same)
    assert answer.status_code == 200 and answer["X-Page-Cache"] == "hit"


def test_the_view_is_handed_only_the_parameters_it_declares(client):
    from news.views import search

    ArticleFactory(title="党建引领")
    response = client.get("/search/", {"q": "党建", "page": "01", "u": "1"})
    assert dict(response.wsgi_request.GET) == {"q": ["党建"], "page": ["1"]}
    assert search.public_page.query.keys() == {"q", "category", "page"}


@pytest.mark.parametrize("x_accel", [True, False], ids=["X-Accel-Redirect", "file from Django"])
def test_downloads_are_never_kept_and_every_one_counts(web, settings, x_accel):
    from attachments.models import Attachment
    from tests.attachments.test_downloads import attach

    settings.ATTACHMENT_X_ACCEL_PREFIX = "/protected-media/" if x_accel else ""
    attachment = attach()
    for _ in range(4):
        answer = web.get(attachment.get_absolute_url())
        assert answer.status_code == 200 and "X-Page-Cache" not in answer
        assert ("X-Accel-Redirect" in answer) == x_accel
    assert Attachment.objects.get(pk=attachment.pk).download_count == 4


@pytest.mark.parametrize(
    "header",
    [("X-Accel-Redirect", "/protected-media/a.pdf"), ("Content-Disposition", "attachment; filename=a.pdf")],
)
def test_answers_that_are_files_are_not_pages(header):

    from core.pagecache import is_public_answer

    headers = [("Content-Type", "application/pdf"), header]
    assert not is_public_answer(200, headers)
    assert is_public_answer(200, headers[:1])


@pytest.mark.parametrize("status", [400, 403, 404, 405, 413, 429, 500, 503])
def test_refusals_and_failures_are_never_kept(status):
    """A 413 (a form too large, core.oversized) no more than any other: only 200 and 301 are pages."""
    from core.pagecache import is_public_answer

    assert not is_public_answer(status, [("Content-Type", "text/html; charset=utf-8")])


def test_only_public_pages_are_kept(web):
    from core.pagecache import PageCache

    article = ArticleFactory()
    for path in (article.get_absolute_url(), "/", "/search/", "/feed/", "/sitemap.xml", "/robots.txt"):
        assert _page_key(web, path) is not None, path
    for path in ("/admin/", "/healthz", "/prefs/", "/attachments/1/download/", "/static/css/site.css", "/no-such/"):
        assert PageCache(None).target({"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver"}) is None


def test_a_forwarded_scheme_is_read_as_django_reads_it(web, settings):
    """A client that reaches gunicorn directly with `X-Forwarded-Proto: https, http`."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    ArticleFactory()
    web.get("/", HTTP_X_FORWARDED_PROTO="https, http")
    served = web.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert served["X-Page-Cache"] == "hit"  # built for HTTPS, kept as HTTPS
    plain = web.get("/")
    assert "X-Page-Cache" not in plain and "Strict-Transport-Security" not in plain


# More parameters than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) made the page cache's
# own reading of the query string raise out of the WSGI application (a 500 from gunicorn),
# and the 400 page then failed on its own links: a 500 either way.
TOO_MANY_FIELDS = "&".join(f"u{n}=1" for n in range(1001))


@pytest.mark.parametrize("path", ["/search/", "/news/{slug}/", "/articles/{pk}/", "/", "/no-such-page/"])
def test_too_many_query_parameters_get_the_400_page_or_the_page(web, path):
    article = ArticleFactory(category=CategoryFactory(slug="dongtai"), title="党建引领")
    path = path.format(slug="dongtai", pk=article.pk)
    answer = web.get(f"{path}?{TOO_MANY_FIELDS}")
    if path == "/":
        # The home page reads no parameter: the cache need not read them either.
        assert answer.status_code == 200
    elif path == "/no-such-page/":
        assert answer.status_code == 404 and "页面不存在" in answer.content.decode()
    else:
        assert answer.status_code == 400 and "请求有误" in answer.content.decode()


def test_the_400_page_itself_survives_too_many_query_parameters(settings):
    from django.test import Client

    settings.DEBUG = False
    response = Client(raise_request_exception=False).get(f"/search/?{TOO_MANY_FIELDS}")
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_a_remembered_query_string_follows_the_field_limit(web, settings):
    """The page cache remembers what short query strings mean; a changed limit is heeded."""
    ArticleFactory(title="党建引领")
    assert web.get("/search/?q=党建&u=1&v=2").status_code == 200
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    assert web.get("/search/?q=党建&u=1&v=2").status_code == 400
