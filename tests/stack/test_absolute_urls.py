"""Absolute URLs carry the host and port the client used, over HTTP/1.1 and HTTP/2 alike."""

import subprocess

import pytest

from news.models import Article

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def curl_http2(stack, path):
    """A GET over HTTP/2 (curl sends the host as :authority, as browsers do)."""
    result = subprocess.run(
        ["curl", "-sS", "--http2", "--cacert", str(stack.certificate), "-w", "\n%{http_version}", stack.url + path],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    body, _, version = result.stdout.rpartition("\n")
    assert version == "2"
    return body


def test_canonical_feed_sitemap_and_robots_urls_carry_the_port(stack, demo):
    article = Article.objects.published().first()
    root = stack.url  # https://127.0.0.1:<port>
    page = stack.get(article.get_absolute_url()).text
    assert f'<link rel="canonical" href="{root}{article.get_absolute_url()}">' in page
    assert f"<link>{root}{article.get_absolute_url()}</link>" in stack.get("/feed/").text
    assert f"<loc>{root}/sitemap-articles.xml</loc>" in stack.get("/sitemap.xml").text
    assert f"<loc>{root}{article.get_absolute_url()}</loc>" in stack.get("/sitemap-articles.xml").text
    assert f"Sitemap: {root}/sitemap.xml" in stack.get("/robots.txt").text
    # HTTP/2 carries the host in :authority, not in a Host header.
    assert f'<link rel="canonical" href="{root}{article.get_absolute_url()}">' in curl_http2(
        stack, article.get_absolute_url()
    )


def test_a_host_in_another_case_or_with_another_port_is_not_a_new_page(stack, demo):
    # The Host header nginx passes on is the host and the port the client connected to, so a
    # client cannot make the page cache keep a copy per port or per spelling of the name.
    path = Article.objects.published().first().get_absolute_url()
    answer = stack.get(path, headers={"Host": "LOCALHOST:1234"})
    assert answer.status == 200
    assert f'<link rel="canonical" href="https://localhost:{stack.https_port}{path}">' in answer.text
