"""信息发布统计 (issue 18 §5): the page within its query budget, the chart, and the Excel export."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from news.models import Article
from reports import statistics
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def at(year, month, day=10, hour=12):
    return datetime(year, month, day, hour, tzinfo=TZ)


@pytest.fixture
def year_2025():
    one = UserFactory(username="zhang", first_name="三", last_name="张", group="编辑")
    two = UserFactory(username="li", group="编辑")
    news = CategoryFactory(name="党建动态")
    notices = CategoryFactory(name="通知公告")
    sub = CategoryFactory(name="社区党建", parent=news)
    for month, category, author in [
        (1, news, one), (1, news, one), (1, notices, two), (3, sub, one), (12, notices, two), (12, news, None),
    ]:  # fmt: skip
        article = ArticleFactory(category=category, published_at=at(2025, month), created_by=author)
        Article.objects.filter(pk=article.pk).update(created_at=at(2025, month))
    # 1 January 00:30 in Beijing is still 2025 in UTC: it counts for 2026.
    ArticleFactory(category=news, published_at=datetime(2026, 1, 1, 0, 30, tzinfo=TZ), created_by=one)
    # Not published, or published another year: only written.
    draft = ArticleFactory(category=news, status=Article.Status.DRAFT, published_at=None, created_by=two)
    Article.objects.filter(pk=draft.pk).update(created_at=at(2025, 5))
    ArticleFactory(category=news, published_at=at(2024, 12, 31, 23), created_by=one)
    return {"one": one, "two": two}


def test_counts_per_category_month_and_editor(year_2025):
    data = statistics.year_statistics(2025)
    rows = {row.label: row.months for row in data.categories}
    assert rows["党建动态"] == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert rows["通知公告"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert rows["党建动态 › 社区党建"] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert data.totals.months == [3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2] and data.totals.total == 6
    editors = {(e.name, e.written, e.published) for e in data.editors}
    assert editors == {("张三", 3, 3), ("li", 3, 2)}
    assert (data.editor_totals.written, data.editor_totals.published) == (6, 5)
    assert statistics.year_statistics(2026).totals.months[0] == 1


def test_the_page_within_its_query_budget(year_2025, client, django_assert_max_num_queries):
    client.force_login(UserFactory(username="reviewer", group="审核发布"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:statistics"), {"year": "2025"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="reports-chart"' in page and "2025 年每月发布文章数（共 6 篇）" in page
    assert "<title>12 月：2 篇</title>" in page
    assert '<option value="2025" selected>' in page


def test_an_editor_sees_the_page_too(year_2025, client):
    client.force_login(year_2025["one"])
    assert client.get(reverse("reports:statistics"), {"year": "2025"}).status_code == 200


@pytest.mark.parametrize("year", ["1999", "abc", "2025x", "99999999999999999999", "²", "２０２５", "٢٠٢٥", " 2025"])
def test_a_bad_year_is_a_clear_400(year_2025, client, year):
    client.force_login(year_2025["one"])
    response = client.get(reverse("reports:statistics"), {"year": year})
    assert response.status_code == 400
    assert "年份无效" in response.content.decode()


def test_the_excel_file_opens_with_the_right_totals(year_2025, client):
    client.force_login(year_2025["one"])
    response = client.get(reverse("reports:statistics"), {"year": "2025", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''2025" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    by_category = book["按栏目"]
    rows = list(by_category.iter_rows(values_only=True))
    assert rows[1] == ("栏目", *(f"{m}月" for m in range(1, 13)), "合计")
    assert rows[-1] == ("合计", 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 6)
    assert sum(row[-1] for row in rows[2:-1]) == 6
    editors = list(book["按编辑"].iter_rows(values_only=True))
    assert editors[1] == ("编辑", "撰写", "其中已发布")
    assert editors[-1] == ("合计", 6, 5)


def test_staff_only(client):
    assert client.get(reverse("reports:statistics")).status_code == 302


def test_excel_cells_starting_with_formula_signs_stay_text(client):
    """A 栏目 or editor named like a formula is text in the workbook, never a formula Excel runs."""
    reviewer = UserFactory(username="=cmd|' /C calc'!A0", group="审核发布")
    category = CategoryFactory(name='=HYPERLINK("http://example.com","点击")')
    ArticleFactory(category=category, published_at=at(2025, 2), created_by=reviewer)
    client.force_login(reviewer)
    response = client.get(reverse("reports:statistics"), {"year": "2025", "export": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    labels = {c.value for c in cells if c.data_type == "s"}
    assert {category.name, reviewer.username} <= labels, labels
