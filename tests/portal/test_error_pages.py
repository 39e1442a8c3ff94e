from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from core import views
from core.models import SiteProfile


def assert_site_look(html):
    assert 'lang="zh-CN"' in html
    assert "版权所有：中共乌达区委组织部" in html
    assert "蒙ICP备16000679号-1" in html
    assert "/static/css/site.css" in html


@pytest.mark.django_db
def test_404_page_is_chinese_in_the_site_look(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert_site_look(html)


@pytest.mark.django_db
def test_400_page_for_a_host_not_allowed():
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "请求有误" in html
    assert_site_look(html)


@pytest.mark.django_db
def test_csrf_failure_page(superuser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    response = client.post("/admin/news/category/add/", {"name": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html
    assert_site_look(html)


@pytest.mark.django_db
def test_403_in_the_admin_says_why_inside_the_admin(editor_client):
    from tests.factories import ArticleFactory

    article = ArticleFactory()  # published: an editor may only look at it
    response = editor_client.post(f"/admin/news/article/{article.pk}/change/", {"title": "改"})
    assert response.status_code == 403
    html = response.content.decode()
    # Not the public page (tests/review/test_refused_saves.py has the rest).
    assert "已发布的文章只能由审核发布人员修改。" in html
    assert "无权访问" not in html


@pytest.mark.django_db
def test_403_page_of_the_public_site():
    from django.core.exceptions import PermissionDenied

    response = views.permission_denied(RequestFactory().get("/"), PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html
    assert_site_look(html)


@pytest.mark.django_db
def test_500_page_renders_without_touching_the_database(django_assert_num_queries):
    SiteProfile.objects.update(phone="0473-0000000")
    request = RequestFactory().get("/")
    try:
        raise ValueError("boom")
    except ValueError:
        with django_assert_num_queries(0):
            response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错了" in html
    assert_site_look(html)


@pytest.mark.django_db
def test_unhandled_error_gives_the_styled_500_and_no_traceback():
    client = Client(raise_request_exception=False)
    with mock.patch("news.selectors.listings.headlines", side_effect=ValueError("secret detail")):
        response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错了" in html
    assert "secret detail" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_database_errors_give_a_styled_503_with_retry_after():
    client = Client(raise_request_exception=False)
    with mock.patch("news.selectors.listings.headlines", side_effect=OperationalError("connection refused")):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "网站暂时无法访问" in html
    assert "connection refused" not in html
    assert_site_look(html)


def _ask_too_much():
    """A statement PostgreSQL refuses for its size (SQLSTATE 54000, "program limit exceeded")."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT repeat('x', 3000)::tsvector")  # word is too long for tsvector


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_database_error_caused_by_the_data_is_a_500_not_an_outage():
    """What fails the same on every retry is no "database unavailable": no 503, no Retry-After."""
    client = Client(raise_request_exception=False)
    with mock.patch("news.selectors.listings.headlines", side_effect=_ask_too_much):
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "服务器出错了" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_shutting_down_is_still_an_outage():
    client = Client(raise_request_exception=False)

    def shutting_down():
        with connection.cursor() as cursor:  # what a server that is shutting down answers (57P01)
            cursor.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'terminating connection' USING ERRCODE = 'admin_shutdown'; END $$"
            )

    with mock.patch("news.selectors.listings.headlines", side_effect=shutting_down):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
