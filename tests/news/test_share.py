"""分享到微信: the QR code of an article's address, drawn on the server, kept like a page."""

import re
import xml.etree.ElementTree as ET

import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import Article
from tests.factories import ArticleFactory
from tests.news.test_query_budget import BUDGET, build_site
from tests.wsgi_client import WSGIClient
from wuda_portal.wsgi import application

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
BORDER = 4  # news.qrcodes: the quiet zone, in modules


def qr_url(article):
    return article.get_absolute_url() + "qr.svg"


def modules(svg_bytes):
    """The dark modules the SVG draws, as a set of (row, column): read back from its path."""
    root = ET.fromstring(svg_bytes)
    assert root.tag == f"{SVG}svg"
    (line,) = [path for path in root.iter(f"{SVG}path") if path.get("class") == "qrline"]
    dark, x, y = set(), 0.0, 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", line.get("d")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:  # h: a run of dark modules along the row
            dark |= {(int(y) - BORDER, int(x) - BORDER + i) for i in range(int(float(a)))}
            x += float(a)
    return dark


def expected_modules(address):
    matrix = segno.make(address, error="m", micro=False).matrix
    return {(r, c) for r, row in enumerate(matrix) for c, value in enumerate(row) if value}


def test_the_code_is_an_svg_of_the_articles_address(client):
    article = ArticleFactory()
    response = client.get(qr_url(article))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    drawn = modules(response.content)
    assert drawn == expected_modules(f"http://testserver{article.get_absolute_url()}")
    # The check can tell addresses apart: another article's code differs.
    assert drawn != expected_modules(f"http://testserver/articles/{article.pk + 1}/")


def test_the_code_has_the_scheme_and_host_the_reader_used(client):
    article = ArticleFactory()
    response = client.get(qr_url(article), secure=True, headers={"host": "localhost"})
    assert modules(response.content) == expected_modules(f"https://localhost{article.get_absolute_url()}")


def test_browsers_may_keep_it_and_no_other_host_is_named(client):
    article = ArticleFactory()
    response = client.get(qr_url(article))
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"public", "max-age=86400"} <= directives
    # Nothing for a browser to fetch: no script, no image, no stylesheet, no link.
    assert not re.search(rb"<(script|image|img|style|a|foreignObject)\b|href=", response.content)


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN])
def test_no_code_for_an_article_the_public_cannot_read(client, status):
    article = ArticleFactory(status=status)
    assert client.get(qr_url(article)).status_code == 404
    assert client.get("/articles/987654321/qr.svg").status_code == 404


def test_the_page_cache_keeps_it_per_host_and_drops_it_with_the_article():
    article = ArticleFactory()
    web, other_host = WSGIClient(application), WSGIClient(application, host="localhost")
    first, second = web.get(qr_url(article)), web.get(qr_url(article))
    assert "X-Page-Cache" not in first and second["X-Page-Cache"] == "hit" and second.content == first.content
    elsewhere = other_host.get(qr_url(article))
    assert "X-Page-Cache" not in elsewhere and elsewhere.content != first.content
    article.status = Article.Status.WITHDRAWN
    article.save()
    assert web.get(qr_url(article)).status_code == 404


def test_the_article_page_links_to_the_code(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<a class="share-link" href="{qr_url(article)}" data-share-qr>分享到微信</a>' in html


def test_a_preview_offers_no_code_it_could_not_show(client, reviewer):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(reviewer)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "分享到微信" not in html


def test_the_code_costs_no_more_queries_than_the_article_page(client, monkeypatch):
    monkeypatch.setattr("news.viewcounts._next_flush", float("inf"))
    category, article = build_site(20)
    with CaptureQueriesContext(connection) as empty_cache:
        assert client.get(qr_url(article)).status_code == 200
    with CaptureQueriesContext(connection) as kept:
        assert client.get(qr_url(article)).status_code == 200
    statements = [q["sql"] for q in empty_cache.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= BUDGET["article"], statements
    assert len(kept.captured_queries) == 0
