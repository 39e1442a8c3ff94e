import re
from html import unescape
from urllib.parse import unquote

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_font_size_link_sets_a_cookie_and_returns(client):
    response = client.get(reverse("portal:preferences"), {"font": "large", "next": "/search/?q=党建"})
    assert response.status_code == 302
    assert unquote(response["Location"]) == "/search/?q=党建"
    assert response.cookies["font_size"].value == "large"
    html = client.get(reverse("news:home")).content.decode()
    assert 'class="font-large"' in html


@pytest.mark.django_db
def test_care_mode_on_and_off(client):
    client.get(reverse("portal:preferences"), {"care": "1"})
    assert "care-mode" in client.get(reverse("news:home")).content.decode()
    client.get(reverse("portal:preferences"), {"care": "0"})
    assert "care-mode" not in client.get(reverse("news:home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_never_redirects_elsewhere(client, target):
    response = client.get(reverse("portal:preferences"), {"font": "small", "next": target})
    assert response["Location"] == reverse("news:home")


@pytest.mark.django_db
def test_unknown_values_are_ignored(client):
    response = client.get(reverse("portal:preferences"), {"font": "huge", "care": "maybe"})
    assert response.status_code == 302
    assert "font_size" not in response.cookies and "care_mode" not in response.cookies
    client.cookies["font_size"] = "<script>"
    assert 'class="font-medium"' in client.get(reverse("news:home")).content.decode()


def preference_links(html):
    return [unescape(href) for href in re.findall(r'href="(/prefs/\?[^"]*)"', html)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "back_to"),
    [
        ("/sitemap/", "/sitemap/"),
        ("/search/?q=%E5%85%9A%E5%BB%BA&page=1", "/search/?q=%E5%85%9A%E5%BB%BA&page=1"),
        # Parameters the page does not read are no part of it (the page cache keeps one copy).
        ("/?from=rss", "/"),
        ("/sitemap/?a=1&b=%E5%85%9A", "/sitemap/"),
    ],
)
def test_every_preference_link_brings_the_reader_back_to_the_page(client, page, back_to):
    links = preference_links(client.get(page).content.decode())
    assert len(links) == 4  # 大, 中, 小 and 关怀模式
    for link in links:
        response = client.get(link)
        assert response.status_code == 302
        assert response["Location"] == back_to, link


@pytest.mark.django_db
def test_the_article_page_font_links_bring_the_reader_back(client):
    article = ArticleFactory()
    links = preference_links(client.get(article.get_absolute_url()).content.decode())
    assert len(links) == 4  # 大, 中, 小 beside the article and 关怀模式
    assert {client.get(link)["Location"] for link in links} == {article.get_absolute_url()}


@pytest.mark.django_db
def test_without_next_the_reader_returns_to_the_referring_page(client):
    response = client.get(reverse("portal:preferences"), {"care": "1"}, HTTP_REFERER="http://testserver/sitemap/?a=1")
    assert response["Location"] == "/sitemap/?a=1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "referer", ["https://evil.example/sitemap/", "http://testserver.evil.example/", "not a url", "http:///\\evil"]
)
def test_a_foreign_or_broken_referer_is_not_followed(client, referer):
    response = client.get(reverse("portal:preferences"), {"care": "1"}, HTTP_REFERER=referer)
    assert response["Location"] == reverse("news:home")


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["/\\evil.example/", "///evil.example/", "sitemap/", "http://testserver/sitemap/"])
def test_only_same_site_paths_are_followed(client, target):
    response = client.get(reverse("portal:preferences"), {"font": "small", "next": target})
    assert response["Location"] == reverse("news:home")


@pytest.mark.django_db
def test_the_toolbar_choices_are_classes_on_the_page_before_any_script_runs(client):
    client.cookies["a11y"] = "z200.s-yb.cursor.caption.point.guide.slow"
    html = client.get(reverse("news:home")).content.decode()
    assert '<html lang="zh-CN" class="font-medium scheme-yb zoom-200 big-cursor caption-bar">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["s-yb.s-bl", "z300", "<script>", "s-yb;z150", ""])
def test_unknown_or_conflicting_toolbar_choices_are_ignored(client, value):
    client.cookies["a11y"] = value
    assert '<html lang="zh-CN" class="font-medium">' in client.get(reverse("news:home")).content.decode()


def test_the_page_cache_tells_toolbar_looks_apart():
    from core.preferences import ReadingPreferences

    plain = ReadingPreferences.from_cookies({})
    yellow = ReadingPreferences.from_cookies({"a11y": "s-yb"})
    reading = ReadingPreferences.from_cookies({"a11y": "s-yb.point.slow"})
    assert plain.cache_key_part != yellow.cache_key_part == reading.cache_key_part
