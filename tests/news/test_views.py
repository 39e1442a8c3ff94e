"""The residents' pages: what each shows, from the model."""

import re
from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from attachments.services import attachment_create
from demo import samples
from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory


def text_of(html):
    """The visible text of a page, whitespace collapsed (to check what a reader sees)."""

    class Collector(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style", "title")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style", "title")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    collector = Collector()
    collector.feed(html)
    return " ".join(" ".join(collector.parts).split())


@pytest.fixture
def dangjian(db):
    return CategoryFactory(name="党建动态", slug="dangjian-dongtai")


# --- Home -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_has_a_block_per_navigation_category_pinned_first(client, dangjian):
    hidden = CategoryFactory(name="党员教育", show_in_nav=False)
    ArticleFactory(
        category=dangjian, title="置顶的旧通知", is_pinned=True, published_at=timezone.now() - timedelta(days=300)
    )
    for day in range(10):
        ArticleFactory(
            category=dangjian, title=f"第{day}天的新闻", published_at=timezone.now() - timedelta(days=day, hours=1)
        )
    ArticleFactory(category=hidden, title="不在导航里的文章")
    html = client.get(reverse("news:home")).content.decode()
    block = html[html.index(f'id="block-{dangjian.pk}"') :]
    block = block[: block.index("</section>")]
    titles = [t for t in ("置顶的旧通知", *(f"第{d}天的新闻" for d in range(10))) if t in block]
    assert titles[0] == "置顶的旧通知"
    assert len(titles) == 8  # the pinned one and the seven newest
    assert "第0天的新闻" in block and "第7天的新闻" not in block
    assert "不在导航里的文章" not in html
    assert "党员教育" not in html


@pytest.mark.django_db
def test_home_block_includes_the_sub_categories(client, dangjian):
    child = CategoryFactory(name="社区党建", parent=dangjian)
    ArticleFactory(category=child, title="社区里的新闻")
    html = client.get(reverse("news:home")).content.decode()
    assert "社区里的新闻" in html
    assert f'id="block-{child.pk}"' not in html


@pytest.mark.django_db
def test_home_slideshow_shows_headlines_with_covers(client, dangjian):
    with_cover = ArticleFactory(category=dangjian, title="头条有图", is_headline=True)
    with_cover.cover.save("c.jpg", ContentFile(samples.image("jpg")))
    ArticleFactory(category=dangjian, title="头条无图", is_headline=True)
    ArticleFactory(category=dangjian, title="头条草稿", is_headline=True, status=Article.Status.DRAFT)
    html = client.get(reverse("news:home")).content.decode()
    slideshow = html[html.index('class="slideshow"') : html.index('class="blocks"')]
    assert "头条有图" in slideshow and f'src="{with_cover.cover.url}"' in slideshow
    assert "头条无图" not in slideshow and "头条草稿" not in slideshow


@pytest.mark.django_db
def test_slides_are_valid_html_whose_image_does_not_repeat_the_caption(client, dangjian):
    """No <figcaption> inside <a> (vnu); no alt text repeating the caption (image-redundant-alt)."""
    for n in range(2):
        article = ArticleFactory(category=dangjian, title=f"头条{n}", is_headline=True)
        article.cover.save("c.jpg", ContentFile(samples.image("jpg")))
    html = client.get(reverse("news:home")).content.decode()
    slideshow = html[html.index('class="slideshow"') : html.index('class="blocks"')]
    links = re.findall(r"<a\b[^>]*>(.*?)</a>", slideshow, flags=re.S)
    assert not [link for link in links if "<figcaption" in link]
    assert re.findall(r"<img\b[^>]*\balt=\"([^\"]*)\"", slideshow) == ["", ""]
    assert re.findall(r"<figcaption><a href=\"([^\"]+)\">头条\d</a></figcaption>", slideshow) == [
        f"/articles/{pk}/" for pk in Article.objects.filter(is_headline=True).values_list("pk", flat=True)
    ]


@pytest.mark.django_db
def test_nothing_unpublished_reaches_the_public_pages(client, dangjian):
    for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN):
        ArticleFactory(category=dangjian, title=f"不公开{status}", status=status)
    ArticleFactory(category=dangjian, title="不公开定时", published_at=timezone.now() + timedelta(hours=1))
    hidden = ["不公开draft", "不公开review", "不公开withdrawn", "不公开定时"]
    for url in ("/", dangjian.get_absolute_url(), "/search/?q=不公开", "/feed/", dangjian.get_absolute_url() + "feed/"):
        html = client.get(url).content.decode()
        assert not [title for title in hidden if title in html], url
    assert "找到 0 篇" in client.get("/search/?q=不公开").content.decode()


# --- 栏目 list ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_breadcrumb_names_home_once(client, dangjian):
    html = client.get(dangjian.get_absolute_url()).content.decode()
    text = text_of(html)
    assert "当前位置： 首页 党建动态" in text
    assert text.count("首页") == 2  # the breadcrumb and the navigation, never 首页 > 首页


@pytest.mark.django_db
def test_breadcrumb_of_a_sub_category(client, dangjian):
    child = CategoryFactory(name="社区党建", parent=dangjian)
    text = text_of(client.get(child.get_absolute_url()).content.decode())
    assert "当前位置： 首页 党建动态 社区党建" in text


@pytest.mark.django_db
def test_list_is_pinned_first_then_newest_twenty_a_page(client, dangjian):
    now = timezone.now()
    articles = [
        ArticleFactory(category=dangjian, title=f"文章{i:02d}", published_at=now - timedelta(hours=i + 1))
        for i in range(45)
    ]
    ArticleFactory(category=dangjian, title="置顶文章", is_pinned=True, published_at=now - timedelta(days=100))
    page1 = client.get(dangjian.get_absolute_url()).content.decode()
    order = [page1.index(t) for t in ("置顶文章", "文章00", "文章01", "文章18")]
    assert order == sorted(order)
    assert "文章19" not in page1
    assert "共 46 篇，第 1/3 页" in page1
    page3 = client.get(dangjian.get_absolute_url(), {"page": 3}).content.decode()
    assert [t for t in (a.title for a in articles) if t in page3] == [f"文章{i:02d}" for i in range(39, 45)]
    assert 'aria-current="page">3</a>' in page3


@pytest.mark.django_db
def test_every_article_appears_on_exactly_one_page(client, dangjian):
    now = timezone.now()
    titles = [f"文章{i:03d}" for i in range(67)]
    for i, title in enumerate(titles):
        ArticleFactory(
            category=dangjian, title=title, published_at=now - timedelta(minutes=i + 1), is_pinned=i in (5, 40)
        )
    seen = []
    for page in (1, 2, 3, 4):
        html = client.get(dangjian.get_absolute_url(), {"page": page}).content.decode()
        seen += [t for t in titles if f">{t}</a>" in html or f"</span>{t}</a>" in html]
    assert sorted(seen) == titles


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "1e3", "99999999999999999999", ""])
def test_pages_out_of_range_are_404_not_500(client, dangjian, page):
    ArticleFactory(category=dangjian)
    response = client.get(dangjian.get_absolute_url(), {"page": page})
    assert response.status_code == (200 if page == "" else 404)


@pytest.mark.django_db
def test_sub_categories_are_shown_and_their_articles_listed(client, dangjian):
    child = CategoryFactory(name="社区党建", parent=dangjian)
    ArticleFactory(category=child, title="子栏目的文章")
    html = client.get(dangjian.get_absolute_url()).content.decode()
    assert f'href="{child.get_absolute_url()}"' in html
    assert "子栏目的文章" in html


@pytest.mark.django_db
def test_unknown_category_is_404(client):
    assert client.get("/news/no-such-category/").status_code == 404


# --- Article ----------------------------------------------------------------------------


@contextmanager
def lost_version_moves():
    """Changes whose move of the content version is lost, as when Redis fails for a moment."""
    from core.store import ProcessStore, RedisStore

    with mock.patch.object(RedisStore, "incr_version"), mock.patch.object(ProcessStore, "incr_version"):
        yield


@pytest.mark.django_db
def test_an_article_in_a_category_the_cached_tree_lacks_is_still_shown(client, dangjian):
    # Should the move of the content version be lost (Redis unreachable for the editor's
    # process), the cached 栏目 tree can be older than an article's data.
    assert client.get("/").status_code == 200  # the tree is cached
    with lost_version_moves():
        new_category = CategoryFactory(name="新设栏目")
        article = ArticleFactory(category=new_category, title="新栏目里的文章")
    assert "新设栏目" not in client.get("/").content.decode()  # the cached tree lacks it
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "当前位置： 首页 新设栏目" in text_of(response.content.decode())


@pytest.mark.django_db
def test_article_page_shows_everything_of_the_old_page(client, dangjian):
    article = ArticleFactory(
        category=dangjian,
        title="乌达区打造“红色引擎”",
        subtitle="推动基层社会治理见实效",
        source="乌达区委组织部",
        author="组工宣",
        published_at=timezone.make_aware(timezone.datetime(2021, 8, 23, 9, 30)),
        body="<p>乌达区牢固树立基层治理核心是党的领导的理念。</p>",
    )
    Article.objects.filter(pk=article.pk).update(view_count=41)
    html = client.get(article.get_absolute_url()).content.decode()
    text = text_of(html)
    assert (
        '<h1 id="article-title" class="article-title">乌达区打造“红色引擎”<span class="article-subtitle">推动基层社会治理见实效</span></h1>'
        in html
    )
    assert "来源：乌达区委组织部 作者：组工宣 发布时间： 2021-08-23 浏览次数：41" in text
    assert "乌达区牢固树立基层治理核心是党的领导的理念。" in text
    assert "当前位置： 首页 党建动态" in text
    for text_bit in ("大", "中", "小", "打印本页"):
        assert text_bit in text
    for meta in (
        '<meta name="SiteName" content="乌达党建">',
        '<meta name="ColumnName" content="党建动态">',
        '<meta name="ArticleTitle" content="乌达区打造“红色引擎” 推动基层社会治理见实效">',
        '<meta name="PubDate" content="2021-08-23 09:30">',
        '<meta name="ContentSource" content="乌达区委组织部">',
        '<meta property="og:title"',
        '<meta property="og:url" content="http://testserver/articles/',
    ):
        assert meta in html
    assert "附件" not in text  # no attachments, no 附件 heading


@pytest.mark.django_db
def test_publication_times_are_given_to_the_second(client):
    """Valid <time datetime> and article:published_time: no microseconds, the site's offset."""
    moment = timezone.make_aware(timezone.datetime(2021, 8, 23, 9, 30, 58, 263))
    article = ArticleFactory(published_at=moment)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<time datetime="2021-08-23T09:30:58+08:00">2021-08-23</time>' in html
    assert '<meta property="article:published_time" content="2021-08-23T09:30:58+08:00">' in html


@pytest.mark.django_db
def test_no_element_is_named_without_a_role_that_takes_a_name(client):
    """aria-label on a plain <div> or <span> is an error (vnu): the reading tools are a landmark."""
    html = client.get(reverse("news:home")).content.decode()
    assert not re.findall(r"<(?:div|span)\b(?![^>]*\brole=)[^>]*\baria-label=", html)


@pytest.mark.django_db
def test_empty_meta_fields_are_left_out(client):
    article = ArticleFactory(source="", author="")
    text = text_of(client.get(article.get_absolute_url()).content.decode())
    assert "来源" not in text and "作者" not in text
    assert "发布时间：" in text


@pytest.mark.django_db
def test_attachments_are_listed_with_type_and_size(client):
    article = ArticleFactory()
    attachment_create(article=article, file=ContentFile(samples.docx(), name="2024年度党员发展计划.docx"))
    attachment_create(article=article, file=ContentFile(samples.pdf(), name="通知.pdf"), title="关于开展评选的通知")
    html = client.get(article.get_absolute_url()).content.decode()
    text = text_of(html)
    assert "附件" in text
    assert "2024年度党员发展计划.docx （Word 文档，" in text
    assert "关于开展评选的通知 （PDF 文档，" in text
    assert "在线查看" in text  # PDFs open in the browser too
    assert html.count("/attachments/") >= 3


@pytest.mark.django_db
def test_previous_and_next_stay_in_the_category_and_stop_at_its_ends(client, dangjian):
    other = CategoryFactory()
    now = timezone.now()
    first = ArticleFactory(category=dangjian, title="最早的", published_at=now - timedelta(days=3))
    middle = ArticleFactory(category=dangjian, title="中间的", published_at=now - timedelta(days=2))
    ArticleFactory(category=other, title="别的栏目", published_at=now - timedelta(days=1, hours=12))
    last = ArticleFactory(category=dangjian, title="最新的", published_at=now - timedelta(days=1))
    ArticleFactory(
        category=dangjian, title="草稿不算", published_at=now - timedelta(hours=2), status=Article.Status.DRAFT
    )

    def prev_next(article):
        text = text_of(client.get(article.get_absolute_url()).content.decode())
        return text[text.index("上一篇：") :]

    assert prev_next(middle).startswith("上一篇： 最早的 下一篇： 最新的")
    assert prev_next(first).startswith("上一篇： 没有了 下一篇： 中间的")
    assert prev_next(last).startswith("上一篇： 中间的 下一篇： 没有了")


@pytest.mark.django_db
def test_articles_published_at_the_same_moment_are_all_reachable(client, dangjian):
    moment = timezone.now() - timedelta(hours=1)
    a, b, c = (ArticleFactory(category=dangjian, title=t, published_at=moment) for t in ("甲文章", "乙文章", "丙文章"))
    text = text_of(client.get(b.get_absolute_url()).content.decode())
    assert "上一篇： 甲文章" in text and "下一篇： 丙文章" in text


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN])
def test_unpublished_articles_are_404_for_the_public_and_previews_for_staff(client, editor, status):
    article = ArticleFactory(status=status, title="尚未公开")
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "预览" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    article.refresh_from_db()
    assert article.view_count == 0


@pytest.mark.django_db
def test_scheduled_articles_are_404_until_their_time(client):
    article = ArticleFactory(published_at=timezone.now() + timedelta(minutes=10))
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_print_view_has_title_meta_body_and_address_only(client):
    article = ArticleFactory(title="打印测试", source="区委组织部", body="<p>正文内容</p>")
    html = client.get(article.get_absolute_url(), {"print": "1"}).content.decode()
    text = text_of(html)
    assert "打印测试" in text and "来源：区委组织部" in text and "正文内容" in text
    assert f"本文网址：http://testserver{article.get_absolute_url()}" in text
    assert "main-nav" not in html and "site-footer" not in html and "header-search" not in html
    assert "print.css" in html


@pytest.mark.django_db
def test_the_print_stylesheet_hides_navigation_and_shows_the_address():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/print.css"), encoding="utf-8").read()
    assert "@media print" in css
    for selector in (".site-header", ".main-nav", ".site-footer", ".prev-next", ".breadcrumb"):
        assert selector in css.split("@media print", 1)[1]
    assert ".print-url { display: block" in css


@pytest.mark.django_db
def test_body_markup_is_rendered_and_stays_safe(client):
    article = ArticleFactory(body='<p style="text-align:center">居中</p><h2>标题</h2>')
    Article.objects.filter(pk=article.pk).update(
        body='<p>正文</p><script>alert("x")</script><img src=x onerror=alert(1)>'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>正文</p>" in html
    assert "<script>alert" not in html and "onerror" not in html


# --- Site map, robots, feeds --------------------------------------------------------------


@pytest.mark.django_db
def test_site_map_page_lists_every_category(client, dangjian):
    child = CategoryFactory(name="社区党建", parent=dangjian)
    hidden = CategoryFactory(name="党员教育", show_in_nav=False)
    html = client.get(reverse("news:site-map")).content.decode()
    for category in (dangjian, child, hidden):
        assert f'href="{category.get_absolute_url()}"' in html


@pytest.mark.django_db
def test_robots_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


@pytest.mark.django_db  # the 405 is a page in the site's look
def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert client.post("/favicon.ico").status_code == 405
