"""
A page number a list does not have (?page=999, ?page=0, ?page=abc), on the search, a 栏目's
list and a 专题栏目's: 404, and a page that says so in Chinese (「页码无效」) with a link to
the first page (the search's keeping the terms), not the bare 「页面不存在」.
"""

import html as html_lib

import pytest

from tests.factories import ArticleFactory, CategoryFactory, TopicFactory, TopicSectionFactory, add_to_section
from tests.portal.test_error_pages import assert_site_look

pytestmark = pytest.mark.django_db

BAD_PAGES = ["999", "0", "abc"]


def assert_invalid_page(response, first_page, what):
    assert response.status_code == 404
    html = response.content.decode()
    assert "页码无效" in html
    assert f"{what}没有这一页" in html
    assert f'<a href="{html_lib.escape(first_page)}">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert_site_look(html)


@pytest.mark.parametrize("page", BAD_PAGES)
def test_the_search_says_the_page_number_is_invalid(client, page):
    category = CategoryFactory(slug="dangjian", name="党建动态")
    ArticleFactory(title="党建工作动态", category=category)
    response = client.get("/search/", {"q": "党建", "category": "dangjian", "page": page})
    assert_invalid_page(response, "/search/?q=%E5%85%9A%E5%BB%BA&category=dangjian", "“党建”的搜索结果")
    assert client.get("/search/?q=%E5%85%9A%E5%BB%BA&category=dangjian").status_code == 200


@pytest.mark.parametrize("page", BAD_PAGES)
def test_a_categorys_list_says_the_page_number_is_invalid(client, page):
    category = CategoryFactory(slug="dangjian", name="党建动态")
    ArticleFactory(category=category)
    response = client.get(category.get_absolute_url(), {"page": page})
    assert_invalid_page(response, category.get_absolute_url(), "“党建动态”")


@pytest.mark.parametrize("page", BAD_PAGES)
def test_a_topic_sections_list_says_the_page_number_is_invalid(client, page):
    topic = TopicFactory(status="published")
    section = TopicSectionFactory(topic=topic, title="中央精神")
    add_to_section(section, ArticleFactory())
    response = client.get(section.get_absolute_url(), {"page": page})
    assert_invalid_page(response, section.get_absolute_url(), "“中央精神”")


def test_an_unknown_category_is_still_a_plain_404(client):
    response = client.get("/news/no-such-category/", {"page": "999"})
    assert response.status_code == 404
    assert "页码无效" not in response.content.decode()
