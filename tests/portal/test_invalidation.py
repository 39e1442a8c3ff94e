"""
Every model a public page reads is in settings.PAGE_CONTENT_MODELS, so that changing it
invalidates the cached pages (core.caching). A new page type that reads a new model, or a
page that starts reading one, fails here until the model is added to that one list.
"""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, resolve

from tests.factories import ArticleFactory
from tests.news.test_query_budget import build_site, urls

# Tables no public page's content comes from: the view counter's batches are written
# while a page is shown, never shown.
NOT_CONTENT = {"news_viewcountbatch"}
TABLE = re.compile(r'(?:FROM|JOIN)\s+"?([a-z0-9_]+)"?', re.IGNORECASE)


def public_pages(category, article):
    return [
        *urls(category, article).values(),
        "/sitemap/",
        article.get_absolute_url() + "qr.svg",
        "/feed/",
        category.get_absolute_url() + "feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-categories.xml",
        "/robots.txt",
        "/favicon.ico",
        "/no-such-page/",
    ]


@pytest.mark.django_db
def test_every_model_a_public_page_reads_invalidates_the_cache(client, monkeypatch):
    monkeypatch.setattr("news.viewcounts._next_flush", float("inf"))
    category, article = build_site(5)
    ArticleFactory(category=category, is_headline=True, cover="covers/2026/01/x.jpg")
    tables = {model._meta.db_table: model._meta.label for model in apps.get_models()}
    registered = set(settings.PAGE_CONTENT_MODELS)
    read = set()
    for url in public_pages(category, article):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        for query in captured.captured_queries:
            read.update(TABLE.findall(query["sql"]))
    read -= NOT_CONTENT
    assert read, "the pages read nothing: the check would prove nothing"
    assert {tables[table] for table in read if table in tables} <= registered


def public_views(patterns=None):
    """Every view of the URLconf marked @public_page."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from public_views(pattern.url_patterns)
        elif hasattr(pattern.callback, "public_page"):
            yield pattern.callback


@pytest.mark.django_db
def test_the_check_visits_every_public_page_type():
    """A new page type must be added to public_pages() above, or the check above misses it."""
    category, article = build_site(1)
    visited = {resolve(url.split("?")[0]).func for url in public_pages(category, article) if url != "/no-such-page/"}
    assert set(public_views()) <= visited


def test_every_registered_model_exists():
    for label in settings.PAGE_CONTENT_MODELS:
        apps.get_model(label)
