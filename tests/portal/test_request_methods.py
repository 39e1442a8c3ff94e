"""
A resident's browser or a crawler sending a public page a request it does not take (a
form posted to it, PUT, DELETE, OPTIONS, TRACE): a styled Chinese page with status 405
and an Allow header, not the CSRF page (「页面已过期」, a 403 that says nothing true) nor
an empty 405. The admin's forms keep their CSRF check.
"""

import pytest
from django.test import Client
from django.urls import reverse

from attachments.services import attachment_create
from tests.factories import ArticleFactory, CategoryFactory, PageFactory, TopicFactory
from tests.portal.test_error_pages import assert_site_look

pytestmark = pytest.mark.django_db

METHODS = ("post", "put", "patch", "delete", "options", "trace")


@pytest.fixture
def public_urls():
    category = CategoryFactory(slug="dangjian")
    article = ArticleFactory(category=category, status="published")
    page = PageFactory(slug="jigou", status="published")
    topic = TopicFactory(status="published")
    return [
        "/",
        category.get_absolute_url(),
        article.get_absolute_url(),
        page.get_absolute_url(),
        topic.get_absolute_url(),
        "/search/?q=党建",
        "/sitemap/",
        "/feed/",
        "/robots.txt",
        "/sitemap.xml",
    ]


def assert_styled_405(response, allow):
    assert response.status_code == 405
    assert response["Allow"] == allow
    html = response.content.decode()
    assert "不支持这种访问方式" in html
    assert "页面已过期" not in html
    assert_site_look(html)


@pytest.mark.parametrize("method", METHODS)
def test_a_public_page_answers_what_it_does_not_take_with_a_styled_405(public_urls, method):
    client = Client(enforce_csrf_checks=True)  # as a browser: no CSRF token in a stray form
    for url in public_urls:
        response = getattr(client, method)(url)
        assert_styled_405(response, "GET, HEAD")


def test_public_pages_still_answer_get_and_head(public_urls):
    client = Client(enforce_csrf_checks=True)
    for url in public_urls:
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url


@pytest.mark.parametrize("method", METHODS)
def test_a_download_and_the_reading_preferences_say_so_too(method):
    from django.core.files.base import ContentFile

    from demo import samples

    attachment = attachment_create(
        article=ArticleFactory(status="published"), file=ContentFile(samples.pdf(), name="通知.pdf")
    )
    client = Client(enforce_csrf_checks=True)
    assert_styled_405(getattr(client, method)(attachment.get_absolute_url()), "GET, HEAD")
    assert_styled_405(getattr(client, method)(reverse("portal:preferences")), "GET")


def test_the_admin_keeps_its_csrf_check(superuser):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "admin", "password": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    client.force_login(superuser)
    response = client.post(reverse("admin:news_category_add"), {"name": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
