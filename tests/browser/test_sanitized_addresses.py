"""
The sanitiser's addresses, resolved by Chromium itself: what it keeps of an image's source
stays on this site, and a link that leaves the site says so with its scheme.
"""

import pytest

from news.sanitize import sanitize_html
from tests.news.test_sanitize import TRICKY_SOURCES

pytestmark = pytest.mark.browser

BASE = "https://dangjian.example/articles/1/"
# For each HTML fragment: the host each <img src> and <a href> resolves to in the browser
# (the attribute as its HTML parser reads it, then its URL parser), and the raw href.
RESOLVE = """
([fragments, base]) => fragments.map((html) => {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const resolve = (value) => { try { return new URL(value, base).host; } catch (e) { return "(invalid)"; } };
  return {
    images: [...doc.querySelectorAll("img[src]")].map((img) => resolve(img.getAttribute("src"))),
    links: [...doc.querySelectorAll("a[href]")].map((a) => [resolve(a.getAttribute("href")), a.getAttribute("href")]),
  };
})
"""


@pytest.fixture
def resolve(chromium):
    context = chromium.new_context()
    page = context.new_page()
    yield lambda fragments: page.evaluate(RESOLVE, [fragments, BASE])
    context.close()


def fragment(source):
    return f'<p><img src="{source}" alt="图"><a href="{source}">链接</a></p>'


def test_the_corpus_fools_a_plain_prefix_check(resolve):
    """As written, every source marked "other" goes to another host in a real browser."""
    resolved = resolve([fragment(source) for source, _ in TRICKY_SOURCES])
    for (source, expected), found in zip(TRICKY_SOURCES, resolved, strict=True):
        host = found["images"][0]
        assert (host != "dangjian.example") == (expected == "other"), (source, host)


def test_kept_images_load_from_this_site_and_kept_links_leave_it_only_openly(resolve):
    cleaned = [sanitize_html(fragment(source)) for source, _ in TRICKY_SOURCES]
    resolved = resolve(cleaned)
    for (source, _), html, found in zip(TRICKY_SOURCES, cleaned, resolved, strict=True):
        assert all(host == "dangjian.example" for host in found["images"]), (source, html, found)
        for host, href in found["links"]:
            assert host == "dangjian.example" or href.lower().startswith(("https://", "http://")), (source, html)
