import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory


@pytest.mark.django_db
def test_site_feed_is_valid_rss_with_full_text(client):
    article = ArticleFactory(title="乌达区打造“红色引擎”", subtitle="推动基层社会治理见实效", body="<p>全文 & 内容</p>")
    ArticleFactory(title="草稿", status=Article.Status.DRAFT)
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(response.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "乌达党建"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["乌达区打造“红色引擎” 推动基层社会治理见实效"]
    assert items[0].findtext("description") == "<p>全文 &amp; 内容</p>"
    assert items[0].findtext("link") == f"http://testserver{article.get_absolute_url()}"


@pytest.mark.django_db
def test_category_feed_has_only_its_articles(client):
    mine, other = CategoryFactory(slug="mine"), CategoryFactory(slug="other")
    child = CategoryFactory(parent=mine)
    ArticleFactory(category=mine, title="本栏目")
    ArticleFactory(category=child, title="子栏目")
    ArticleFactory(category=other, title="别的栏目")
    channel = ET.fromstring(client.get("/news/mine/feed/").content).find("channel")
    assert {i.findtext("title") for i in channel.findall("item")} == {"本栏目", "子栏目"}
    assert client.get("/news/nope/feed/").status_code == 404


@pytest.mark.django_db
def test_sitemaps_are_valid_xml_with_lastmod(client):
    article = ArticleFactory()
    ArticleFactory(status=Article.Status.DRAFT)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert "http://testserver/sitemap-articles.xml" in sections
    assert "http://testserver/sitemap-categories.xml" in sections
    articles = ET.fromstring(client.get("/sitemap-articles.xml").content)
    urls = articles.findall("s:url", ns)
    assert [u.findtext("s:loc", namespaces=ns) for u in urls] == [f"http://testserver{article.get_absolute_url()}"]
    assert urls[0].findtext("s:lastmod", namespaces=ns) == timezone.localtime(article.updated_at).date().isoformat()
    categories = ET.fromstring(client.get("/sitemap-categories.xml").content)
    assert f"http://testserver{article.category.get_absolute_url()}" in [
        u.findtext("s:loc", namespaces=ns) for u in categories.findall("s:url", ns)
    ]


STORED_BEFORE_THE_SANITISER_KNEW = (
    '<p>正文</p><img src="/\\evil.example/t.png" alt=""><img src="/\t/evil.example/p.png" alt="">'
    '<script>alert(1)</script><a href="/\\evil.example/">链接</a>'
)


@pytest.mark.django_db
@pytest.mark.parametrize("feed", ["/feed/", "/news/mine/feed/"])
def test_feeds_sanitise_bodies_on_output_as_pages_do(client, feed):
    article = ArticleFactory(category=CategoryFactory(slug="mine"))
    # A row written past Article.save() (an old sanitiser, a bulk insert, a manual UPDATE).
    Article.objects.filter(pk=article.pk).update(body=STORED_BEFORE_THE_SANITISER_KNEW)
    description = ET.fromstring(client.get(feed).content).find("channel/item").findtext("description")
    assert "evil.example" not in description and "<script" not in description
    assert "正文" in description and "链接" in description
    page = client.get(article.get_absolute_url()).content.decode()
    assert description in page  # exactly what the article page shows


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/feed/", "/news/mine/feed/"])
def test_feeds_speak_the_language_the_pages_declare(client, path):
    CategoryFactory(slug="mine")
    channel = ET.fromstring(client.get(path).content).find("channel")
    assert channel.findtext("language") == "zh-CN"
    assert 'lang="zh-CN"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_home_page_is_in_the_sitemap(client):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = []
    for section in index.findall("s:sitemap/s:loc", ns):
        urls = ET.fromstring(client.get(section.text.removeprefix("http://testserver")).content)
        locations += [u.findtext("s:loc", namespaces=ns) for u in urls.findall("s:url", ns)]
    assert "http://testserver/" in locations
