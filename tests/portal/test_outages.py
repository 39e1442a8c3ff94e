"""
Outages, for real: a PostgreSQL cluster of the test's own that it stops and starts, and a
Redis server likewise, under gunicorn with the production settings.
"""

import time
from urllib.parse import quote

import pytest

from tests.servers import ThrowawayPostgres, ThrowawayRedis, fetch, gunicorn, manage, production_env

pytestmark = [pytest.mark.server, pytest.mark.postgres]

SEARCH_DANGJIAN = "/search/?q=" + quote("党建")


@pytest.fixture
def own_postgres():
    cluster = ThrowawayPostgres()
    yield cluster
    cluster.remove()


def timed_fetch(url):
    started = time.monotonic()
    status, headers, body = fetch(url, timeout=10)
    return status, headers, body, time.monotonic() - started


def test_the_database_goes_away_and_comes_back(own_postgres, collected_static, tmp_path):
    log = tmp_path / "gunicorn.log"
    env = production_env(
        static_root=collected_static,
        media_root=tmp_path / "media",
        db_url=own_postgres.url,
        redis_url="",
        PAGE_CACHE_SECONDS=0,
        OBJECT_CACHE_SECONDS=0,
    )
    manage(env, "migrate", "-v0")
    manage(env, "load_demo")
    with log.open("wb") as output, gunicorn(env, log=output) as base:
        for path in ("/", "/news/dangjian-dongtai/", SEARCH_DANGJIAN):
            assert fetch(base + path)[0] == 200, path

        own_postgres.stop()
        for path in ("/", "/news/dangjian-dongtai/", "/articles/1/", SEARCH_DANGJIAN):
            status, headers, body, seconds = timed_fetch(base + path)
            assert status == 503, path
            assert seconds < 3, (path, seconds)
            assert headers["Retry-After"] == "30"
            assert "网站暂时无法访问" in body and "版权所有" in body  # the styled page, with the footer
            assert "Traceback" not in body and "OperationalError" not in body
        status, _, body, seconds = timed_fetch(base + "/healthz")
        assert (status, seconds < 3) == (503, True) and '"unavailable"' in body

        own_postgres.start()
        for path in ("/", "/news/dangjian-dongtai/", "/healthz"):
            assert fetch(base + path)[0] == 200, path  # the same worker processes, reconnected
    assert b"Traceback" not in log.read_bytes()


def test_redis_goes_away_and_pages_are_served_uncached(collected_static, tmp_path, transactional_db):
    redis = ThrowawayRedis()
    try:
        from tests.factories import ArticleFactory

        article = ArticleFactory(title="没有缓存也能看")
        env = production_env(static_root=collected_static, media_root=tmp_path / "media", redis_url=redis.url)
        with gunicorn(env) as base:
            fetch(base + article.get_absolute_url())
            assert fetch(base + article.get_absolute_url())[1]["X-Page-Cache"] == "hit"
            redis.stop()
            for path in ("/", article.get_absolute_url(), "/search/?q=" + quote("看")):
                for _ in range(3):
                    status, headers, body, seconds = timed_fetch(base + path)
                    assert status == 200 and seconds < 3, (path, status, seconds)
                    assert "X-Page-Cache" not in headers
                    # On the home page, the article itself and the search results alike.
                    assert f'href="{article.get_absolute_url()}"' in body or ">没有缓存也能看</h1>" in body, path
            redis.start()
            time.sleep(5.5)  # the app leaves a failed Redis alone for five seconds
            fetch(base + article.get_absolute_url())
            assert fetch(base + article.get_absolute_url())[1]["X-Page-Cache"] == "hit"
    finally:
        if redis.process.poll() is None:
            redis.stop()
