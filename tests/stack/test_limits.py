"""Limits at nginx: upload size, request rates per client address, and the client's real address."""

import http.client
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from axes.models import AccessAttempt

from news.models import Article
from tests.factories import ArticleFactory, article_form_data
from tests.stack.conftest import PASSWORD, staff_member
from tests.stack.running import Staff, csrf_token, multipart

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# Each test comes from a loopback address of its own: nginx's rate limits count per address,
# and the stack is shared by the whole session.


def test_an_upload_of_53_mb_is_refused_by_nginx_with_a_styled_chinese_page(stack):
    body, content_type = multipart({"title": "大文件"}, {"file": ("会议录像.zip", b"\0" * (53 * 1024 * 1024))})
    connection = http.client.HTTPSConnection(
        "127.0.0.1", stack.https_port, context=stack.ssl_context(), timeout=60, source_address=("127.0.0.21", 0)
    )
    try:
        connection.request("POST", "/admin/news/article/add/", body=body, headers={"Content-Type": content_type})
        answer = connection.getresponse()
        status, page = answer.status, answer.read()
    finally:
        connection.close()
    assert status == 413
    assert page == (stack.error_pages / "413.html").read_bytes()
    html = page.decode()
    assert "上传的内容太大" in html and "不能超过 50 MB" in html
    assert '<html lang="zh-CN"' in html and "/static/css/site." in html and "版权所有" in html


def test_an_article_form_over_10_mb_gets_django_s_413_page_in_the_admin_and_nothing_is_saved(stack):
    staff_member("editor", group="编辑")
    article = ArticleFactory(status=Article.Status.DRAFT, body="<p>原来的正文。</p>")
    editor = Staff(stack).log_in("editor", PASSWORD)
    change = f"/admin/news/article/{article.pk}/change/"
    fields = article_form_data(
        article,
        csrfmiddlewaretoken=csrf_token(editor.get(change).text),
        body="<p>" + "乌达区党建工作要点。" * 400_000 + "</p>",  # 12 MB, pasted with nothing else
    )
    body, content_type = multipart(fields, {})
    refused = editor.request("POST", change, headers={"Content-Type": content_type}, body=body)
    # Not nginx's page (its limit is the upload's, 52 MB) nor a 502: the portal's, with the way back.
    assert refused.status == 413, refused.text
    assert "这次提交的内容超过 10 MB，网站无法接收，没有保存。" in refused.text
    assert f'data-key="news.article:{article.pk}"' in refused.text
    assert Article.objects.get(pk=article.pk).body == "<p>原来的正文。</p>"


def test_searches_are_limited_per_client_address_with_a_styled_429(stack, demo):
    statuses = [stack.get("/search/?q=%E5%85%9A", source="127.0.0.22") for _ in range(30)]
    assert [r.status for r in statuses[:11]] == [200] * 11  # one, and a burst of ten
    limited = [r for r in statuses if r.status == 429]
    assert len(limited) >= 15
    assert limited[0].body == (stack.error_pages / "429.html").read_bytes()
    assert "访问过于频繁" in limited[0].text
    # Another address is not held back by the first one's searches.
    assert stack.get("/search/?q=%E5%85%9A", source="127.0.0.23").status == 200


def test_login_attempts_are_limited_per_client_address(stack):
    form = stack.get("/admin/login/", source="127.0.0.24")
    cookie = form.headers["Set-Cookie"].split(";", 1)[0]
    token = csrf_token(form.text)
    headers = {
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": stack.url + "/admin/login/",
    }
    # A different user each time: django-axes would lock one user out after five failures.
    started = time.monotonic()
    statuses = [
        stack.request(
            "POST",
            "/admin/login/",
            body=f"csrfmiddlewaretoken={token}&username=nobody{n}&password=wrong".encode(),
            headers=headers,
            source="127.0.0.24",
        ).status
        for n in range(12)
    ]
    elapsed = time.monotonic() - started
    assert statuses[:6] == [200] * 6  # the form again, with its error
    # Then refused, but for the attempts the rate (10 a minute) gave back meanwhile: on a
    # busy machine the twelve attempts take seconds.
    given_back = int(elapsed // 6) + 1
    assert statuses[6:].count(429) >= 6 - given_back, (statuses, elapsed)
    assert 429 in statuses
    # Only attempts are limited: the form itself still opens.
    assert stack.get("/admin/login/", source="127.0.0.24").status == 200


def test_two_hundred_quick_page_views_from_one_address_all_pass(stack, demo):
    articles = [a.get_absolute_url() for a in Article.objects.published()[:20]]
    paths = ["/", "/news/dangjian-dongtai/", "/sitemap/", "/static/css/site.css", *articles]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: stack.get(paths[i % len(paths)], source="127.0.0.25"), range(200)))
    assert [a.status for a in answers] == [200] * 200


def test_django_and_axes_see_the_client_s_address_and_not_the_headers_it_sends(stack, transactional_db):
    staff_member("editor", group="编辑")
    client = "127.0.0.26"

    def log_in(password, forged):
        form = stack.get("/admin/login/", source=client)
        fields = {"csrfmiddlewaretoken": csrf_token(form.text), "username": "editor", "password": password}
        body, content_type = multipart(fields, {})
        headers = {
            "Cookie": form.headers["Set-Cookie"].split(";", 1)[0],
            "Content-Type": content_type,
            "Referer": stack.url + "/admin/login/",
            "X-Forwarded-For": forged,
            "X-Real-IP": forged,
        }
        return stack.request("POST", "/admin/login/", body=body, headers=headers, source=client)

    for attempt in range(4):
        assert log_in("wrong-password", forged=f"10.0.0.{attempt}").status == 200
    attempts = AccessAttempt.objects.get(username="editor")
    assert attempts.ip_address == client  # neither nginx's 127.0.0.1 nor a forged address
    assert attempts.failures_since_start == 4
    # The fifth failure from this address locks the user out there, whatever address each
    # request claimed; then not even the right password gets in.
    assert "登录已被暂时锁定" in log_in("wrong-password", forged="10.0.0.98").text
    assert "登录已被暂时锁定" in log_in(PASSWORD, forged="10.0.0.99").text
