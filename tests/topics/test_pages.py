"""The topic pages residents see: /topics/, a topic, a section's list, and the home page's strip."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory, TopicFactory, TopicSectionFactory, add_to_section
from tests.news.test_query_budget import build_site
from tests.news.test_round_trips import round_trips  # noqa: F401  (the fixture)
from topics.models import Topic, TopicSection

pytestmark = pytest.mark.django_db

BUDGET = {"topic": 8, "index": 6, "section": 8, "section-last-page": 8, "home": 8}


def today():
    return timezone.localdate()


def build_topic(n_articles, *, n_sections=3, **fields):
    """A topic with sections gathering articles from several 栏目."""
    topic = TopicFactory(**fields)
    categories = [CategoryFactory() for _ in range(3)]
    sections = [TopicSectionFactory(topic=topic, title=f"栏目{i}") for i in range(n_sections)]
    for i in range(n_articles):
        article = ArticleFactory(category=categories[i % 3], title=f"专题文章{i}")
        add_to_section(sections[i % n_sections], article)
    return topic, sections


def queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    statements = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    return statements


@pytest.mark.parametrize("n_articles", [6, 150])
def test_query_budget(client, monkeypatch, n_articles):
    monkeypatch.setattr("news.viewcounts._next_flush", float("inf"))
    build_site(30)
    topic, sections = build_topic(n_articles)
    for other in range(4):
        build_topic(3, title=f"其他专题{other}", order=other + 1)
    section = sections[0]
    last = max(1, -(-section.entries.count() // 20))
    urls = {
        "topic": topic.get_absolute_url(),
        "index": "/topics/",
        "section": section.get_absolute_url(),
        "section-last-page": f"{section.get_absolute_url()}?page={last}",
        "home": "/",
    }
    for name, url in urls.items():
        statements = queries(client, url)
        print(f"queries {name} ({n_articles} articles): {len(statements)}")
        assert len(statements) <= BUDGET[name], (name, statements)


def test_topic_page_shows_each_sections_newest_ten_with_a_more_link(client):
    topic, sections = build_topic(36)  # 12 in each section
    html = client.get(topic.get_absolute_url()).content.decode()
    assert topic.title in html and topic.description in html
    for section in sections:
        assert html.count(f'href="{section.get_absolute_url()}"') == 2  # the title and 更多
    # Newest first: of section 0's twelve (articles 0, 3, ..., 33), the ten newest are shown.
    newest = Article.objects.filter(topic_entries__section=sections[0]).order_by("-published_at", "-id")
    shown = [a for a in newest if f">{a.title}</a>" in html]
    assert shown == list(newest[:10])


def test_a_section_by_hand_keeps_its_order(client):
    topic = TopicFactory()
    section = TopicSectionFactory(topic=topic, ordering=TopicSection.Ordering.MANUAL)
    old = ArticleFactory(title="先排的旧文章", published_at=timezone.now() - datetime.timedelta(days=9))
    new = ArticleFactory(title="后排的新文章")
    add_to_section(section, old, new)
    html = client.get(section.get_absolute_url()).content.decode()
    assert html.index("先排的旧文章") < html.index("后排的新文章")
    section.ordering = TopicSection.Ordering.NEWEST
    section.save()
    html = client.get(section.get_absolute_url()).content.decode()
    assert html.index("后排的新文章") < html.index("先排的旧文章")


def test_a_section_with_no_public_article_is_hidden_not_empty(client):
    topic = TopicFactory()
    shown = TopicSectionFactory(topic=topic, title="基层动态")
    empty = TopicSectionFactory(topic=topic, title="空的栏目")
    drafts_only = TopicSectionFactory(topic=topic, title="只有草稿")
    add_to_section(shown, ArticleFactory())
    add_to_section(drafts_only, ArticleFactory(status=Article.Status.DRAFT))
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "基层动态" in html
    assert "空的栏目" not in html and "只有草稿" not in html
    assert client.get(empty.get_absolute_url()).status_code == 404
    assert client.get(drafts_only.get_absolute_url()).status_code == 404


def test_section_list_pages_and_refuses_pages_past_its_end(client):
    topic, (section,) = build_topic(25, n_sections=1)
    first = client.get(section.get_absolute_url()).content.decode()
    assert "共 25 篇，第 1/2 页" in first
    assert client.get(section.get_absolute_url() + "?page=2").status_code == 200
    assert client.get(section.get_absolute_url() + "?page=3").status_code == 404
    assert client.get(section.get_absolute_url() + "?page=abc").status_code == 404


def test_a_section_is_only_found_under_its_own_topic(client):
    _, (section,) = build_topic(2, n_sections=1)
    other = TopicFactory()
    assert client.get(f"/topics/{other.slug}/sections/{section.pk}/").status_code == 404


def test_breadcrumb_and_frame(client):
    topic, (section,) = build_topic(2, n_sections=1)
    html = client.get(section.get_absolute_url()).content.decode()
    assert 'aria-label="当前位置"' in html
    trail = html[html.index("当前位置：") : html.index("</nav>", html.index("当前位置："))]
    assert [part in trail for part in ("首页", ">专题<", topic.title, section.title)] == [True] * 4
    assert 'class="site-footer' in html  # the site frame


@pytest.mark.parametrize("state", ["draft", "review", "withdrawn", "not-begun"])
def test_topics_the_public_may_not_see_are_404_and_not_listed(client, state):
    fields = {"start_date": today() + datetime.timedelta(days=3)} if state == "not-begun" else {"status": state}
    topic, _ = build_topic(2, **fields)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert topic.title not in client.get("/topics/").content.decode()
    assert topic.title not in client.get("/").content.decode()


def test_index_lists_running_topics_first_then_ended_ones(client):
    ended = TopicFactory(
        title="二〇二五年主题教育",
        start_date=today() - datetime.timedelta(days=400),
        end_date=today() - datetime.timedelta(days=30),
    )
    running = TopicFactory(title="基层治理年活动", order=5)
    html = client.get("/topics/").content.decode()
    assert html.index(">正在开展<") < html.index(running.title) < html.index("往期专题") < html.index(ended.title)


def test_home_page_shows_running_topics_at_most_three_in_order(client):
    topics = [TopicFactory(title=f"首页专题{i}", order=10 - i) for i in range(4)]
    TopicFactory(title="不在首页的专题", show_on_home=False, order=0)
    html = client.get("/").content.decode()
    shown = sorted(topics, key=lambda t: t.order)[:3]
    positions = [html.index(f">{t.title}<") for t in shown]
    assert positions == sorted(positions)
    assert f">{topics[0].title}<" not in html  # the fourth in order
    assert "不在首页的专题" not in html
    assert 'href="/topics/"' in html and "更多专题" in html


def test_a_topic_whose_period_ended_leaves_the_home_page(client):
    topic = TopicFactory(title="基层治理年", start_date=today() - datetime.timedelta(days=10), end_date=today())
    assert ">基层治理年<" in client.get("/").content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, hours=1)):
        cache.clear()  # what time alone changes shows once the kept pages expire (PAGE_CACHE_SECONDS)
        html = client.get("/").content.decode()
        assert ">基层治理年<" not in html and "更多专题" not in html
        # Still at its address, and in the index among the ended ones.
        assert client.get(topic.get_absolute_url()).status_code == 200
        index = client.get("/topics/").content.decode()
        assert index.index("往期专题") < index.index("基层治理年")


def test_no_running_topic_no_strip(client):
    build_site(3)
    assert "topic-strip" not in client.get("/").content.decode()


def test_an_edit_shows_at_once(client):
    topic, (section,) = build_topic(1, n_sections=1)
    client.get(topic.get_absolute_url())
    Topic.objects.filter(pk=topic.pk).update(title="不应直接改的标题")  # bypasses the signal: still cached
    assert "不应直接改的标题" not in client.get(topic.get_absolute_url()).content.decode()
    topic.refresh_from_db()
    topic.title = "改过的专题标题"
    topic.save()
    assert "改过的专题标题" in client.get(topic.get_absolute_url()).content.decode()
    section.title = "改过的栏目名"
    section.save()
    assert "改过的栏目名" in client.get(topic.get_absolute_url()).content.decode()


def test_feeds_and_sitemap(client):
    topic, (section,) = build_topic(2, n_sections=1)
    feed = client.get(f"{topic.get_absolute_url()}feed/")
    assert feed.status_code == 200 and b"<rss" in feed.content and "专题文章0" in feed.content.decode()
    assert client.get("/topics/feed/").status_code == 200
    assert client.get("/topics/no-such-topic/feed/").status_code == 404
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-topics.xml" in index and "sitemap-topic-sections.xml" in index
    assert topic.get_absolute_url() in client.get("/sitemap-topics.xml").content.decode()
    assert section.get_absolute_url() in client.get("/sitemap-topic-sections.xml").content.decode()


def test_the_site_map_leads_to_the_topics_when_none_is_on_the_home_page(client):
    # Ended topics (the archive) and running ones kept off the home page are reached from
    # /topics/ only: the 网站地图 lists it, whatever the home page's strip shows.
    TopicFactory(
        title="往期的专题",
        start_date=today() - datetime.timedelta(days=60),
        end_date=today() - datetime.timedelta(days=30),
    )
    assert "topic-strip" not in client.get("/").content.decode()
    html = client.get("/sitemap/").content.decode()
    assert '<a href="/topics/">专题</a>' in html


def test_unknown_topic_is_404(client):
    assert client.get("/topics/no-such-topic/").status_code == 404


@pytest.mark.redis
def test_topic_pages_whose_data_is_cached_cost_one_round_trip(client, monkeypatch, round_trips):  # noqa: F811
    monkeypatch.setattr("news.viewcounts._next_flush", float("inf"))
    build_site(10)
    topic, sections = build_topic(30)
    urls = {
        "topic": topic.get_absolute_url(),
        "index": "/topics/",
        "section": sections[0].get_absolute_url(),
        "home": "/",
    }
    for name, url in urls.items():
        html = client.get(url).content.decode()  # builds and keeps the page's data
        if name == "home":
            assert topic.title in html  # the strip is there, read along with the rest
        round_trips.clear()
        assert client.get(url).status_code == 200, name
        assert len(round_trips) == 1, (name, round_trips)


def test_an_article_links_back_to_the_public_topics_it_is_in(client):
    article = ArticleFactory()
    shown = TopicSectionFactory(topic=TopicFactory(title="基层治理年"))
    also = TopicSectionFactory(topic=TopicFactory(title="主题教育"))
    draft = TopicSectionFactory(topic=TopicFactory(title="还在起草的专题", status=Topic.Status.DRAFT))
    for section in (shown, also, draft):
        add_to_section(section, article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "本文所属专题：" in html
    assert f'<a href="{shown.topic.get_absolute_url()}">基层治理年</a>' in html
    assert f'<a href="{also.topic.get_absolute_url()}">主题教育</a>' in html
    assert "还在起草的专题" not in html
    assert "本文所属专题" not in client.get(ArticleFactory().get_absolute_url()).content.decode()


def test_a_pin_in_its_category_is_not_shown_in_the_topic(client):
    topic, (section,) = build_topic(0, n_sections=1)
    add_to_section(section, ArticleFactory(title="在栏目中置顶的文章", is_pinned=True))
    for url in (topic.get_absolute_url(), section.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "在栏目中置顶的文章" in html and 'class="badge"' not in html
