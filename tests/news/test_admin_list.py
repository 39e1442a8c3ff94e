"""
The admin's list of articles: states as editors read them.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory

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
