"""Two app servers sharing PostgreSQL and Redis, as the portal runs beyond one machine."""

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from news.models import Article
from tests.factories import ArticleFactory, UserFactory, article_form_data
from tests.servers import fetch, gunicorn, production_env


class Browser:
    """An HTTP client with cookies, enough to log in to the admin and post a form."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=20) as response:
            return response.geturl(), response.read().decode()

    @staticmethod
    def csrf(html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_an_edit_through_one_server_is_seen_through_the_other(collected_static, media_root):
    reviewer = UserFactory(username="reviewer", group="审核发布")
    # The servers run the production settings, whose hashers do not include the tests' fast one.
    reviewer.password = PBKDF2PasswordHasher().encode("correct-horse-battery", PBKDF2PasswordHasher().salt())
    reviewer.save()
    article = ArticleFactory(title="两台服务器之前的标题")
    env = production_env(static_root=collected_static, media_root=media_root)
    with gunicorn(env) as first, gunicorn(env) as second:
        path = article.get_absolute_url()
        for _ in range(2):  # the second answer comes from the shared page cache
            status, headers, html = fetch(second + path)
            assert status == 200 and "两台服务器之前的标题" in html
        assert headers["X-Page-Cache"] == "hit"

        editor = Browser(first)
        login = editor.get("/admin/login/")
        url, _ = editor.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": Browser.csrf(login), "username": "reviewer", "password": "correct-horse-battery"},
        )
        assert urllib.parse.urlsplit(url).path == "/admin/"
        change = f"/admin/news/article/{article.pk}/change/"
        form = editor.get(change)
        data = article_form_data(
            article, csrfmiddlewaretoken=Browser.csrf(form), title="在第一台服务器上改过", status="published"
        )
        url, _ = editor.post(change, data)
        assert urllib.parse.urlsplit(url).path == "/admin/news/article/"
        assert Article.objects.get(pk=article.pk).title == "在第一台服务器上改过"

        status, headers, html = fetch(second + path)
        assert status == 200
        assert "在第一台服务器上改过" in html and "两台服务器之前的标题" not in html
