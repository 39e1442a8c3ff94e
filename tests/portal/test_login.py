"""Admin login: lock-out, password rules, configurable path, sessions, the admin log."""

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests.factories import ArticleFactory, UserFactory
from tests.factories import article_form_data as form_data

LOGIN = "/admin/login/"


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_five_failures_lock_the_user_at_that_address_for_thirty_minutes():
    UserFactory(username="editor")
    client = Client()
    for _ in range(4):
        assert attempt(client, "editor", "wrong").status_code == 200
    locked = attempt(client, "editor", "wrong")
    assert locked.status_code == 429
    assert "登录已被暂时锁定" in locked.content.decode() and "30 分钟" in locked.content.decode()
    # Even the right password is refused now, from that address.
    assert attempt(client, "editor", "correct-horse-battery").status_code == 429
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    # Another address is not locked out.
    assert attempt(Client(), "editor", "correct-horse-battery", ip="198.51.100.9").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("length", [151, 256, 5000])
def test_a_username_longer_than_any_is_refused_with_a_message_not_a_500(length):
    # Django's login form never checks the username's length; django-axes then failed to
    # store a failed attempt of more than 255 characters.
    response = attempt(Client(), "x" * length, "wrong")
    assert response.status_code == 200
    assert "用户名最多 150 个字符。" in response.content.decode()


@pytest.mark.django_db
def test_the_address_comes_from_nginx_behind_the_proxy(settings):
    from core.network import client_ip

    class Request:
        META = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"}

    settings.BEHIND_PROXY = True
    assert client_ip(Request) == "203.0.113.7"
    settings.BEHIND_PROXY = False  # without a proxy the header could be forged
    assert client_ip(Request) == "127.0.0.1"


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["12345678901", "password123", "abc", "editor2024x"])
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="editor2024x")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_staff_sessions_end_when_the_browser_closes():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


@pytest.mark.django_db
def test_a_successful_login_leaves_a_browser_session_cookie(client):
    UserFactory(username="editor")
    response = attempt(client, "editor", "correct-horse-battery")
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # dies with the browser


@pytest.mark.django_db
def test_every_editor_action_is_in_the_admin_log(editor_client, editor):
    editor_client.post("/admin/news/article/add/", form_data(title="新稿件"))
    from news.models import Article

    article = Article.objects.get(title="新稿件")
    editor_client.post(f"/admin/news/article/{article.pk}/change/", form_data(article, title="改过的稿件"))
    editor_client.post("/admin/news/article/", {"action": "submit_for_review", "_selected_action": [article.pk]})
    entries = list(LogEntry.objects.filter(user=editor, object_id=str(article.pk)).order_by("pk"))
    assert [e.action_flag for e in entries] == [ADDITION, CHANGE, CHANGE]
    assert entries[-1].change_message == "提交审核"


def test_the_admin_path_is_configurable():
    # The settings tests start the portal with ADMIN_URL=houtai/ and find the admin there.
    from tests.portal.test_settings import run_settings

    result = run_settings(DEBUG="1", ADMIN_URL="houtai/")
    assert '"admin": "/houtai/"' in result.stdout


@pytest.mark.django_db
def test_the_public_pages_never_mention_the_admin(client):
    ArticleFactory()
    for url in ("/", "/robots.txt", "/sitemap.xml", "/sitemap/"):
        assert b"/admin" not in client.get(url).content
