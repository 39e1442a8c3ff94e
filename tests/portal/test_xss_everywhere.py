"""
The XSS corpus of the content issue in every field residents see: inert on every page
and in every feed.
"""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from attachments.services import attachment_create
from core.models import FriendLink, SiteProfile
from demo import samples
from news.models import Category
from tests.factories import ArticleFactory
from tests.news.xss_corpus import XSS_PAYLOADS

CHUNK = 8
CHUNKS = [XSS_PAYLOADS[i : i + CHUNK] for i in range(0, len(XSS_PAYLOADS), CHUNK)]
# The elements the site's templates and the sanitiser produce; anything else is injected.
EXPECTED_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "a", "header", "div", "span", "strong", "small",
    "form", "label", "input", "button", "nav", "ul", "ol", "li", "main", "section", "h1", "h2", "h3", "h4", "p",
    "time", "footer", "article", "figure", "img", "figcaption", "aside", "mark", "select", "option", "br", "em",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "b", "i", "u", "s", "sub", "sup", "pre",
    "caption", "colgroup", "col", "tfoot", "h5", "h6",
    "dialog", "output", "details", "summary", "dl", "dt", "dd",  # the 无障碍 toolbar
    "noscript",  # the print view's hint for a browser without JavaScript (3203f79)
}  # fmt: skip


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in EXPECTED_TAGS:
            self.problems.append(f"<{tag}>")
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and re.match(r"\s*(javascript|data|vbscript):", value, re.I)
            ):
                self.problems.append(f"{tag}[{name}={value}]")
        if tag == "script" and not re.match(
            r"^/static/js/(site|toolbar|share)(\.[0-9a-f]+)?\.js$", attrs.get("src", "")
        ):
            self.problems.append(f"script {attrs}")
        if tag == "meta" and attrs.get("http-equiv"):
            self.problems.append("meta http-equiv")
        if tag in ("form",) and attrs.get("action") not in ("/search/",):
            self.problems.append(f"form {attrs}")


def assert_inert(html, where):
    inspector = Inspector()
    inspector.feed(html)
    assert not inspector.problems, (where, inspector.problems)


@pytest.mark.django_db
@pytest.mark.parametrize("payloads", CHUNKS, ids=[f"payloads-{i * CHUNK}" for i in range(len(CHUNKS))])
def test_every_field_residents_see_is_inert(client, payloads):
    def p(i):
        return payloads[i % len(payloads)]

    category = Category.objects.create(name=p(0)[:50], slug="xss")
    SiteProfile.objects.update(
        site_name=p(1)[:50], owner=p(2)[:100], icp_number=p(3)[:50], address=p(4)[:200], technical_support=p(5)[:100],
        description=p(6)[:200], phone=p(7)[:50],
    )  # fmt: skip
    FriendLink.objects.create(name=p(3)[:50], url="https://example.org/?q=" + p(4)[:200].replace(" ", "%20"))
    article = ArticleFactory(
        category=category,
        title="党建" + p(1)[:190],
        subtitle=p(2)[:200],
        source=p(3)[:100],
        author=p(4)[:100],
        summary=p(5),
        responsible_editor=p(0)[:50],
        body="<p>党建</p>" + "".join(payloads),
        is_headline=True,
    )
    # A 外链 article: its address goes into the lists' href attributes.
    ArticleFactory(
        category=category,
        title="党建外链" + p(6)[:100],
        external_url="https://example.org/?q=" + p(7)[:200].replace(" ", "%20"),
        body="",
        summary=p(1),
    )
    article.cover.save("c.jpg", ContentFile(samples.image("jpg")))
    attachment_create(article=article, file=ContentFile(samples.pdf(), name="a.pdf"), title=p(6)[:200])
    pages = [
        "/",
        category.get_absolute_url(),
        article.get_absolute_url(),
        article.get_absolute_url() + "?print=1",
        "/search/?q=党建",
        "/search/?q=" + p(7)[:100],
        "/sitemap/",
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_inert(response.content.decode(), url)
    for feed in ("/feed/", category.get_absolute_url() + "feed/"):
        content = client.get(feed).content
        # Every field is XML text: markup in it arrives escaped, never as elements.
        assert b"<script" not in content.lower() and b"<svg" not in content.lower(), feed
        channel = ET.fromstring(content).find("channel")
        items = channel.findall("item")
        assert items, feed
        for item in items:
            # The description is HTML for feed readers: the sanitised body.
            assert_inert(item.findtext("description"), feed)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "data:text/html,x", "vbscript:x"]
)
def test_friend_links_refuse_script_urls(url):
    with pytest.raises(ValidationError):
        FriendLink(name="x", url=url).full_clean()
