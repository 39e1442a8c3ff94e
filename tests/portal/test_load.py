"""
A bounded load test: 60 seconds, 32 connections on 127.0.0.1, gunicorn with the production
settings on PostgreSQL and Redis, while an editor publishes and edits articles.
"""

import os
import re
import subprocess
import threading
import time

import pytest

from news.models import Article
from news.viewcounts import flush_pending
from tests.factories import ArticleFactory, CategoryFactory, UserFactory, article_form_data
from tests.portal.test_two_servers import Browser
from tests.servers import fetch, gunicorn, production_env

SECONDS = int(os.environ.get("PORTAL_LOAD_SECONDS", 60))
ROTATION = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def wrk(url, connections, seconds, script=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency"]
    if script:
        command += ["-s", script]
    return subprocess.Popen([*command, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def summary(output):
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def article_form(browser, path, category, title, body):
    csrf = Browser.csrf(browser.get(path))
    return article_form_data(csrfmiddlewaretoken=csrf, category=category.pk, title=title, body=body, status="published")


def editor_at_work(base, category, editable, stop, published, edited):
    """Publish a new article and edit an existing one every second, through the admin."""
    browser = Browser(base)
    login = browser.get("/admin/login/")
    browser.post(
        "/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": Browser.csrf(login), "username": "reviewer", "password": "correct-horse-battery"},
    )
    number = 0
    while not stop.is_set():
        number += 1
        add = "/admin/news/article/add/"
        fields = article_form(browser, add, category, f"压力测试期间发布的第{number}篇", f"<p>第{number}篇的正文</p>")
        url, _ = browser.post(add, fields)
        if url.endswith("/admin/news/article/"):
            published.append(number)
        pk = editable[number % len(editable)]
        change = f"/admin/news/article/{pk}/change/"
        fields = article_form(browser, change, category, f"压力测试期间修订（第{number}次）", "<p>修订后的正文</p>")
        url, _ = browser.post(change, fields)
        if url.endswith("/admin/news/article/"):
            edited.append((pk, number))
        time.sleep(1)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.server
@pytest.mark.load
@pytest.mark.django_db(transaction=True)
def test_a_minute_of_load_while_an_editor_works(collected_static, media_root, tmp_path):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    reviewer = UserFactory(username="reviewer", group="审核发布")
    reviewer.password = PBKDF2PasswordHasher().encode("correct-horse-battery", PBKDF2PasswordHasher().salt())
    reviewer.save()
    category = CategoryFactory(name="党建动态", slug="dangjian-dongtai")
    articles = [ArticleFactory(category=category, title=f"党建工作第{i}期") for i in range(30)]
    watched = articles[10]
    script = tmp_path / "rotation.lua"
    pages = [
        "/",
        "/news/dangjian-dongtai/",
        "/news/dangjian-dongtai/?page=2",
        "/search/?q=%E5%85%9A%E5%BB%BA",
        "/feed/",
    ]
    script.write_text(ROTATION % ", ".join(f'"{p}"' for p in pages))

    env = production_env(static_root=collected_static, media_root=media_root)
    with gunicorn(env, workers=None) as base:
        stop, published, edited = threading.Event(), [], []
        editable = [article.pk for article in articles if article != watched]
        editor = threading.Thread(target=editor_at_work, args=(base, category, editable, stop, published, edited))
        editor.start()
        reading = wrk(base + watched.get_absolute_url(), 16, SECONDS)
        browsing = wrk(base + "/", 16, SECONDS, script=str(script))
        reading_out, _ = reading.communicate(timeout=SECONDS + 60)
        browsing_out, _ = browsing.communicate(timeout=SECONDS + 60)
        stop.set()
        editor.join(timeout=30)
        assert edited, "the editor saved no edit during the run"
        pk, number = edited[-1]  # residents see the last edit at once, page cache or not
        status, _, html = fetch(base + f"/articles/{pk}/")
        assert status == 200 and f"压力测试期间修订（第{number}次）" in html

    read, browsed = summary(reading_out), summary(browsing_out)
    assert read["requests"] > 1000 and browsed["requests"] > 1000, (reading_out, browsing_out)
    assert (read["non2xx"], read["socket_errors"]) == (0, 0), reading_out
    assert (browsed["non2xx"], browsed["socket_errors"]) == (0, 0), browsing_out
    assert len(published) >= SECONDS // 5, published  # the editor got on with the work
    assert Article.objects.filter(title__startswith="压力测试期间发布").count() == len(published)
    assert len(edited) == len(published)
    last_edit = dict(edited)
    for pk, number in last_edit.items():
        assert Article.objects.get(pk=pk).title == f"压力测试期间修订（第{number}次）"
    flush_pending()
    watched.refresh_from_db()
    # wrk counts the answers it received; when the minute is up it drops the requests in
    # flight (at most one per connection), which the server may have answered and counted.
    # The exact count is checked by test_concurrent_views_are_counted_exactly.
    assert read["requests"] <= watched.view_count <= read["requests"] + 16


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_counted_exactly(collected_static, media_root):
    """N answered requests from 32 concurrent clients, page cache on, add exactly N."""
    import urllib.request

    article = ArticleFactory(title="并发浏览")
    env = production_env(static_root=collected_static, media_root=media_root)
    statuses, threads, each = [], 32, 40
    with gunicorn(env, workers=None) as base:

        def reader():
            for _ in range(each):
                with urllib.request.urlopen(base + article.get_absolute_url(), timeout=30) as response:
                    response.read()
                    statuses.append((response.status, response.headers.get("X-Page-Cache")))

        readers = [threading.Thread(target=reader) for _ in range(threads)]
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join()
    assert len(statuses) == threads * each and all(status == 200 for status, _ in statuses)
    assert sum(1 for _, cache in statuses if cache == "hit") > threads * each // 2  # mostly cached pages
    flush_pending()
    article.refresh_from_db()
    assert article.view_count == threads * each
