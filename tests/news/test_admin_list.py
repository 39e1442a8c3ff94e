"""
The admin's list of articles and its read-only page: states as editors read them, 栏目 as
a tree.
"""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

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
    assert "查看 文章" in page
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
