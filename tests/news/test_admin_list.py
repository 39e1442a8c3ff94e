"""
The admin's list of articles and its read-only page: states as editors read them, search
through the search index, 栏目 as a tree, pages read from the nearer end.
"""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.admin import article_list
from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:news_article_changelist")
ADD = reverse("admin:news_article_add")
NOW = timezone.make_aware(timezone.datetime(2026, 11, 28, 10, 0))
Status = Article.Status


def listed_titles(response):
    """The titles in the list, in order."""
    return re.findall(r'<th class="field-title"><a [^>]*>([^<]*)</a>', response.content.decode())


def row_of(response, title):
    page = response.content.decode()
    start = page.index(f">{title}</a>")
    return page[start : page.index("</tr>", start)]


# --- States ---------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_scheduled_article_is_listed_as_scheduled_not_published(reviewer_client):
    when = timezone.make_aware(timezone.datetime(2026, 12, 1, 8, 0))
    ArticleFactory(title="定时的文章", is_scheduled=True, published_at=when)
    ArticleFactory(title="已公开的文章", published_at=NOW - timedelta(hours=1))
    response = reviewer_client.get(CHANGELIST)
    scheduled = row_of(response, "定时的文章")
    assert "定时发布 12-01 08:00" in scheduled and "已发布" not in scheduled
    assert "已发布" in row_of(response, "已公开的文章")


@time_machine.travel(NOW, tick=False)
def test_a_schedule_in_another_year_shows_the_year(reviewer_client):
    when = timezone.make_aware(timezone.datetime(2027, 1, 5, 8, 0))
    ArticleFactory(title="明年的文章", is_scheduled=True, published_at=when)
    assert "定时发布 2027-01-05 08:00" in row_of(reviewer_client.get(CHANGELIST), "明年的文章")


@time_machine.travel(NOW, tick=False)
def test_the_state_filter_keeps_scheduled_articles_apart(reviewer_client):
    ArticleFactory(title="定时的文章", is_scheduled=True, published_at=NOW + timedelta(days=2))
    ArticleFactory(title="已公开的文章", published_at=NOW - timedelta(hours=1))
    ArticleFactory(title="草稿", status=Status.DRAFT, published_at=None)
    assert listed_titles(reviewer_client.get(CHANGELIST, {"status": "scheduled"})) == ["定时的文章"]
    assert listed_titles(reviewer_client.get(CHANGELIST, {"status": "published"})) == ["已公开的文章"]
    assert listed_titles(reviewer_client.get(CHANGELIST, {"status": "draft"})) == ["草稿"]
    filter_panel = reviewer_client.get(CHANGELIST).content.decode()
    assert "?status=scheduled" in filter_panel and ">定时发布</a>" in filter_panel


@time_machine.travel(NOW, tick=False)
def test_drafts_are_listed_by_when_they_were_written_among_published_articles(reviewer_client):
    ArticleFactory(title="一年前发布", published_at=NOW - timedelta(days=365))
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        ArticleFactory(title="一个月前写的草稿", status=Status.DRAFT, published_at=None)
    ArticleFactory(title="昨天发布", published_at=NOW - timedelta(days=1))
    assert listed_titles(reviewer_client.get(CHANGELIST)) == ["昨天发布", "一个月前写的草稿", "一年前发布"]
    assert "—" in row_of(reviewer_client.get(CHANGELIST), "一个月前写的草稿")


# --- Reading what one may not edit ------------------------------------------------------------


def rendered_document(page):
    """The document the read-only page shows the body in (the iframe's srcdoc), unescaped."""
    match = re.search(r'<iframe class="article-body-view"[^>]*srcdoc="([^"]*)"', page)
    assert match, "no rendered body on the page"
    return html.unescape(match.group(1))


def test_an_editor_reads_a_published_article_as_residents_will_see_it(editor_client):
    article = ArticleFactory(title="已发布的文章", body="<h2>一、总体要求</h2><p>要<strong>笃信笃行</strong>。</p>")
    response = editor_client.get(reverse("admin:news_article_change", args=[article.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "查看文章" in page
    assert "已发布的文章只能由审核发布人员修改。" in page
    document = rendered_document(page)
    assert '<div class="article-body"><h2>一、总体要求</h2><p>要<strong>笃信笃行</strong>。</p></div>' in document
    assert "css/site.css" in document  # the public stylesheet
    # Not the raw HTML as text, and no editor.
    outside = re.sub(r"<iframe .*?</iframe>", "", page, flags=re.S)
    assert "&lt;strong&gt;" not in outside and 'name="body"' not in page
    assert 'sandbox="allow-same-origin"' in page
    assert f'href="{article.get_absolute_url()}"' in page


def test_the_read_only_body_is_sanitised_on_output_like_the_public_page(editor_client):
    article = ArticleFactory()
    # A row that reached the table without Article.save() (bulk insert, manual UPDATE).
    Article.objects.filter(pk=article.pk).update(body='<p onclick="steal()">正文</p><script>steal()</script>')
    document = rendered_document(
        editor_client.get(reverse("admin:news_article_change", args=[article.pk])).content.decode()
    )
    assert "<p>正文</p>" in document
    assert "script" not in document and "onclick" not in document


def test_the_read_only_page_says_why_for_a_scheduled_article(editor_client):
    article = ArticleFactory(is_scheduled=True, published_at=timezone.now() + timedelta(days=2))
    page = editor_client.get(reverse("admin:news_article_change", args=[article.pk])).content.decode()
    assert "定时发布的文章只能由审核发布人员修改。" in page
    local = timezone.localtime(article.published_at)
    assert f"定时发布 {local:%m-%d %H:%M}" in page or f"定时发布 {local:%Y-%m-%d %H:%M}" in page


def test_a_reviewer_gets_the_editing_form_not_the_read_only_page(reviewer_client):
    article = ArticleFactory()
    page = reviewer_client.get(reverse("admin:news_article_change", args=[article.pk])).content.decode()
    assert 'name="body"' in page and "article-body-view" not in page
    assert "只能由审核发布人员修改" not in page


# --- Search through the search index ----------------------------------------------------------


def test_search_finds_a_phrase_of_the_body_in_drafts_too(reviewer_client):
    ArticleFactory(title="学习体会", status=Status.DRAFT, published_at=None, body="<p>全体党员要笃信笃行。</p>")
    ArticleFactory(title="无关的文章", body="<p>别的内容</p>")
    assert listed_titles(reviewer_client.get(CHANGELIST, {"q": "笃信笃行"})) == ["学习体会"]


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [("title", "基层治理新格局", "治理新格"), ("subtitle", "推动基层社会治理见实效", "见实效"),
     ("source", "乌达区委组织部", "组织部"), ("author", "王小明", "小明"), ("body", "<p>红色引擎</p>", "引擎")],
)  # fmt: skip
def test_search_covers_title_subtitle_body_source_and_author(reviewer_client, field, value, query):
    wanted = ArticleFactory(**({"title": "要找的文章"} | {field: value}))
    ArticleFactory(title="别的文章", body="<p>无关</p>")
    assert listed_titles(reviewer_client.get(CHANGELIST, {"q": query})) == [wanted.title]


def test_search_respects_the_filters(reviewer_client):
    here, there = CategoryFactory(name="党建动态"), CategoryFactory(name="通知公告")
    ArticleFactory(title="栏目里的草稿", category=here, status=Status.DRAFT, published_at=None, body="<p>笃信笃行</p>")
    ArticleFactory(title="栏目里已发布", category=here, body="<p>笃信笃行</p>")
    ArticleFactory(title="别的栏目", category=there, body="<p>笃信笃行</p>")
    query = {"q": "笃信笃行", "category__id__exact": here.pk}
    assert sorted(listed_titles(reviewer_client.get(CHANGELIST, query))) == ["栏目里已发布", "栏目里的草稿"]
    assert listed_titles(reviewer_client.get(CHANGELIST, query | {"status": "draft"})) == ["栏目里的草稿"]


def test_search_lists_the_newest_matches_and_says_when_there_are_more(reviewer_client, monkeypatch):
    monkeypatch.setattr(article_list, "ADMIN_SEARCH_LIMIT", 3)
    now = timezone.now()
    for day in range(5):
        ArticleFactory(title=f"第{day}天", body="<p>党建</p>", published_at=now - timedelta(days=day + 1))
    response = reviewer_client.get(CHANGELIST, {"q": "党建"})
    assert listed_titles(response) == ["第0天", "第1天", "第2天"]
    assert "这里只列出最新的 3 篇" in response.content.decode()


def test_a_search_the_database_gives_up_on_says_so_instead_of_failing(reviewer_client, monkeypatch):
    monkeypatch.setattr(article_list, "newest_search_matches", lambda queryset, limit: None)
    ArticleFactory(body="<p>党建</p>")
    response = reviewer_client.get(CHANGELIST, {"q": "党建"})
    assert response.status_code == 200 and listed_titles(response) == []
    assert "这个关键词查找太慢，请换一个更具体的关键词" in response.content.decode()


@pytest.mark.postgres
def test_the_newest_matches_query_stops_at_the_time_limit(monkeypatch):
    from django.db.models.expressions import RawSQL

    monkeypatch.setattr(article_list, "SEARCH_TIMEOUT_MS", 20)
    ArticleFactory()
    slow = Article.objects.filter(pk__gt=RawSQL("(SELECT 0 FROM pg_sleep(0.5))", []))
    assert article_list.newest_search_matches(slow, 10) is None
    assert article_list.newest_search_matches(Article.objects.all(), 10) is not None  # the connection still works


def test_search_of_nothing_but_spaces_lists_everything(reviewer_client):
    ArticleFactory(title="甲")
    assert listed_titles(reviewer_client.get(CHANGELIST, {"q": "　 "})) == ["甲"]


# --- 栏目 as a tree ------------------------------------------------------------------------------


@pytest.fixture
def tree():
    basic = CategoryFactory(name="基层党建", order=2)
    news = CategoryFactory(name="党建动态", order=1)
    community = CategoryFactory(name="社区党建", parent=basic, order=1)
    village = CategoryFactory(name="农村党建", parent=basic, order=0)
    return news, basic, village, community


def test_the_category_choice_of_the_form_is_the_tree(reviewer_client, tree):
    page = reviewer_client.get(ADD).content.decode()
    select = page[page.index('<select name="category"') : page.index("</select>", page.index('name="category"'))]
    labels = re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", select)
    assert labels == ["党建动态", "基层党建", "基层党建 › 农村党建", "基层党建 › 社区党建"]


def test_the_category_filter_is_the_tree(reviewer_client, tree):
    news, basic, village, community = tree
    ArticleFactory(category=community, title="社区的文章")
    ArticleFactory(category=news, title="动态")
    response = reviewer_client.get(CHANGELIST)
    page = response.content.decode()
    assert page.index(">基层党建 › 农村党建</a>") < page.index(">基层党建 › 社区党建</a>")
    assert "基层党建 › 社区党建" in row_of(response, "社区的文章")
    assert listed_titles(reviewer_client.get(CHANGELIST, {"category__id__exact": community.pk})) == ["社区的文章"]


# --- Years, pages, queries ---------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_year_filter_lists_the_years_and_filters_by_them(reviewer_client):
    ArticleFactory(title="2024年的", published_at=timezone.make_aware(timezone.datetime(2024, 12, 31, 23, 30)))
    ArticleFactory(title="2026年的", published_at=NOW - timedelta(days=1))
    ArticleFactory(title="草稿", status=Status.DRAFT, published_at=None)
    page = reviewer_client.get(CHANGELIST).content.decode()
    for year in ("2026年", "2025年", "2024年"):
        assert f">{year}</a>" in page
    assert listed_titles(reviewer_client.get(CHANGELIST, {"year": "2024"})) == ["2024年的"]
    for bad in ("0000", "２０２４", "99999", "abc"):
        response = reviewer_client.get(CHANGELIST, {"year": bad})
        assert response.status_code == 200 and listed_titles(response) == []


@pytest.mark.postgres
def test_a_years_count_is_read_from_the_index_alone(reviewer_client):
    """At 100,000 articles the count of a year's 20,000 read the whole table (130 ms at load 7)."""
    if connection.vendor != "postgresql":
        pytest.skip("index-only scans are PostgreSQL's")
    ArticleFactory(published_at=timezone.make_aware(timezone.datetime(2024, 6, 1)))
    with CaptureQueriesContext(connection) as captured:
        assert reviewer_client.get(CHANGELIST, {"year": "2024"}).status_code == 200
    (count,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT COUNT(*) AS "__count"')]
    with connection.cursor() as cursor:
        # Left only the scans that need no row of the table, the planner must find one.
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = off"
        )
        cursor.execute("EXPLAIN " + count)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using news_article_admin_idx" in plan


def test_pages_past_the_middle_are_the_same_read_from_the_end(reviewer_client):
    now = timezone.now()
    for i in range(120):
        ArticleFactory(title=f"文章{i:03d}", published_at=now - timedelta(hours=i + 1))
    expected = [f"文章{i:03d}" for i in range(120)]
    pages = [listed_titles(reviewer_client.get(CHANGELIST, {"p": p})) for p in (1, 2, 3)]
    assert pages == [expected[:50], expected[50:100], expected[100:]]
    by_title = [listed_titles(reviewer_client.get(CHANGELIST, {"p": p, "o": "1"})) for p in (1, 3)]
    assert by_title == [sorted(expected)[:50], sorted(expected)[100:]]


def test_the_list_runs_the_same_queries_whatever_the_number_of_articles(reviewer_client):
    categories = [CategoryFactory(parent=None) for _ in range(3)]
    categories.append(CategoryFactory(parent=categories[0]))

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get(url).status_code == 200
        return len(captured)

    for i in range(3):
        ArticleFactory(category=categories[i % 4], body="<p>党建</p>")
    few = {url: queries(url) for url in (CHANGELIST, CHANGELIST + "?q=党建", CHANGELIST + "?status=published")}
    for i in range(60):
        ArticleFactory(category=categories[i % 4], body="<p>党建</p>")
    many = {url: queries(url) for url in few}
    assert many == few
    # Session, user, permissions (2), the 栏目 of the filter, the years (2), count, the page,
    # and the savepoint around the view (2). A search adds the newest matches' ids, on
    # PostgreSQL in a savepoint of its own with its settings (3 more).
    assert many[CHANGELIST] <= 11 and many[CHANGELIST + "?q=党建"] <= 12 + 3 * (connection.vendor == "postgresql")
