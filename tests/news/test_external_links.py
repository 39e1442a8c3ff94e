"""外链 articles: reprints that live on another site. Lists lead there; their own address redirects."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory
from tests.factories import article_form_data as form_data
from tests.wsgi_client import WSGIClient
from wuda_portal.wsgi import application

pytestmark = pytest.mark.django_db
ELSEWHERE = "https://www.12371.cn/2026/01/05/ARTI1.shtml"
ADD = reverse("admin:news_article_add")
REFUSED = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://ftp.example.org/file.txt",
    "/articles/1/",
    "//evil.example/path",
    "www.12371.cn/2026/01/05/ARTI1.shtml",
    "mailto:someone@example.org",
    "https://",
    "https://exa mple.org/",
]


def external(**fields):
    return ArticleFactory(title="转载：学习贯彻全会精神", external_url=ELSEWHERE, body="", **fields)


def link_to(html, url):
    """The <a> element whose href is `url`, as text (empty if none)."""
    start = html.find(f'<a href="{url}"')
    return html[start : html.index("</a>", start) + 4] if start >= 0 else ""


# --- What is accepted -----------------------------------------------------------------------


@pytest.mark.parametrize("url", REFUSED)
def test_the_model_refuses_anything_but_an_http_address(url):
    article = ArticleFactory.build(category=CategoryFactory(), external_url=url, body="")
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "http:// 或 https://" in " ".join(refused.value.message_dict["external_url"])


@pytest.mark.parametrize("url", ["http://www.people.com.cn/n1/2026/0105/c1.html", ELSEWHERE, "HTTPS://WWW.12371.CN/"])
def test_the_model_accepts_http_and_https_addresses(url):
    ArticleFactory.build(category=CategoryFactory(), external_url=url, body="").full_clean()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://ftp.example.org/", "/articles/1/"])
def test_the_database_refuses_what_the_model_would(url):
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(external_url=url)


@pytest.mark.parametrize("url", REFUSED)
def test_the_form_refuses_it_in_chinese_and_saves_nothing(reviewer_client, url):
    response = reviewer_client.post(ADD, form_data(title="外链文章", external_url=url, body="", status="published"))
    assert response.status_code == 200
    assert "外部链接必须是以 http:// 或 https:// 开头的完整网址" in response.content.decode()
    assert not Article.objects.filter(title="外链文章").exists()


def test_an_external_article_needs_no_body(reviewer_client):
    response = reviewer_client.post(
        ADD, form_data(title="外链文章", external_url=ELSEWHERE, body="", status="published")
    )
    assert response.status_code == 302
    article = Article.objects.get(title="外链文章")
    assert article.external_url == ELSEWHERE and article.body == "" and article.is_public


def test_an_external_article_with_a_body_is_refused(reviewer_client):
    data = form_data(title="外链文章", external_url=ELSEWHERE, body="<p>一段正文</p>", status="published")
    response = reviewer_client.post(ADD, data)
    assert response.status_code == 200 and "填写了外部链接的文章没有正文" in response.content.decode()
    assert not Article.objects.filter(title="外链文章").exists()


def test_an_empty_paragraph_from_the_editor_is_no_body(reviewer_client):
    data = form_data(title="外链文章", external_url=ELSEWHERE, body="<p>&nbsp;</p>", status="published")
    assert reviewer_client.post(ADD, data).status_code == 302


def test_the_admin_list_shows_the_address(reviewer_client):
    external()
    html = reviewer_client.get(reverse("admin:news_article_changelist")).content.decode()
    assert "外部链接" in html and link_to(html, ELSEWHERE)


# --- Where it leads -------------------------------------------------------------------------


def test_its_own_address_redirects_there_with_302(client):
    article = external()
    for url in (article.get_absolute_url(), article.get_absolute_url() + "?print=1"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == ELSEWHERE


def test_a_draft_external_article_is_no_ones_to_follow_but_staff(client, reviewer):
    article = external(status=Article.Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(reviewer)
    preview = client.get(article.get_absolute_url())
    assert preview.status_code == 302 and preview["Location"] == ELSEWHERE
    assert "no-cache" in preview["Cache-Control"] and "private" in preview["Cache-Control"]


def test_the_page_cache_keeps_no_redirect_and_follows_a_changed_address():
    web = WSGIClient(application)
    article = external()
    first, second = web.get(article.get_absolute_url()), web.get(article.get_absolute_url())
    assert first.status_code == second.status_code == 302 and "X-Page-Cache" not in second
    article.external_url = "https://www.people.com.cn/n1/2026/0106/c2.html"
    article.save()
    assert web.get(article.get_absolute_url())["Location"] == article.external_url


@pytest.mark.parametrize("path", ["home", "category"])
def test_lists_of_titles_link_to_the_other_site_marked_external(client, path):
    article = external()
    ArticleFactory(category=article.category, title="本站文章")
    url = "/" if path == "home" else article.category.get_absolute_url()
    html = client.get(url).content.decode()
    link = link_to(html, ELSEWHERE)
    assert "转载：学习贯彻全会精神" in link and "外链" in link
    assert "target=" not in link  # the same tab
    assert article.get_absolute_url() not in html


def test_search_results_link_to_the_other_site_marked_external(client):
    external()
    html = client.get("/search/", {"q": "全会精神"}).content.decode()
    link = link_to(html, ELSEWHERE)
    assert "外链" in link and "target=" not in link


def test_search_results_show_its_summary_as_the_snippet_escaped(client):
    external(summary="<b>全会精神</b>的学习体会。")
    html = client.get("/search/", {"q": "全会精神"}).content.decode()
    assert '<p class="snippet">&lt;b&gt;<mark>全会精神</mark>&lt;/b&gt;的学习体会。</p>' in html


def test_previous_and_next_link_to_the_other_site(client):
    article = external()
    newer = ArticleFactory(category=article.category, published_at=article.published_at + timedelta(minutes=5))
    html = client.get(newer.get_absolute_url()).content.decode()
    assert "外链" in link_to(html, ELSEWHERE)


def test_feeds_link_to_the_other_site(client):
    article = external(summary="全会精神的学习体会。")
    for feed in ("/feed/", article.category.get_absolute_url() + "feed/"):
        item = ET.fromstring(client.get(feed).content).find("channel/item")
        assert item.findtext("link") == ELSEWHERE
        assert item.findtext("description") == "<p>全会精神的学习体会。</p>"


def test_a_feed_escapes_the_summary_and_names_the_address_without_one(client):
    article = external(summary="<object>学习体会</object>")
    description = ET.fromstring(client.get("/feed/").content).find("channel/item").findtext("description")
    assert description == "<p>&lt;object&gt;学习体会&lt;/object&gt;</p>"
    Article.objects.filter(pk=article.pk).update(summary="")
    description = ET.fromstring(client.get("/feed/").content).find("channel/item").findtext("description")
    assert description == f'<p>转载，原文见 <a href="{ELSEWHERE}">{ELSEWHERE}</a></p>'


def test_the_sitemap_leaves_out_articles_without_a_page(client):
    article = external()
    local = ArticleFactory()
    sitemap = client.get("/sitemap-articles.xml").content.decode()
    assert local.get_absolute_url() in sitemap and f"{article.get_absolute_url()}<" not in sitemap


def test_it_has_no_qr_code(client):
    article = external()
    assert client.get(article.get_absolute_url() + "qr.svg").status_code == 404
