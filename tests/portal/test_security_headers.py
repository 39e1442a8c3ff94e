"""Headers every response carries, and nothing loaded from another host."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.factories import ArticleFactory

PUBLIC_PAGES = ["/", "/search/?q=党建", "/sitemap/", "/no-such-page/"]


def policy(response):
    return {
        part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split(";") if part.strip()
    }


@pytest.fixture
def pages(db):
    article = ArticleFactory(body='<p style="text-align:center">居中</p>')
    return [
        *PUBLIC_PAGES,
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        article.get_absolute_url() + "?print=1",
    ]


def test_public_pages_run_no_inline_script(client, pages):
    for url in pages:
        csp = policy(client.get(url))
        assert csp["script-src"] == ["'self'"], url
        assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'self'"]
        # Alignment from the editor renders: style attributes only, never style elements.
        assert csp["style-src"] == ["'self'"] and csp["style-src-attr"] == ["'unsafe-inline'"]


def test_only_the_admin_relaxes_the_policy_for_its_editor(client, superuser):
    client.force_login(superuser)
    csp = policy(client.get("/admin/news/article/add/"))
    assert "'unsafe-inline'" in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]


def test_security_headers(client, pages):
    for url in pages:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_hsts_behind_a_tls_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    over_tls = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert over_tls["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in Client().get("/")


class _Resources(HTMLParser):
    """Every URL a page makes the browser load (not links it merely offers)."""

    def __init__(self):
        super().__init__()
        self.loaded = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and attrs.get("src"):
            self.loaded.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
            self.loaded.append(attrs["href"])
        if attrs.get("style") and "url(" in attrs["style"]:
            self.loaded.append(attrs["style"])


def test_nothing_is_loaded_from_another_host(client, pages):
    for url in pages:
        parser = _Resources()
        parser.feed(client.get(url).content.decode())
        assert parser.loaded, url
        assert all(re.match(r"^/(?!/)", src) for src in parser.loaded), (url, parser.loaded)
