"""站内搜索 and single pages (单页): where they are listed among the articles found."""

import re

import pytest

from tests.factories import ArticleFactory, PageFactory

SEARCH = "/search/"


def results_of(html):
    """The single pages' and articles' addresses in the order the results list them."""
    results = html[html.index('class="result-count"') :]
    return re.findall(r'<h2>(?:<span class="badge">单页</span>)?<a href="([^"]+)"', results)


@pytest.mark.django_db
def test_single_pages_named_by_the_term_come_first_those_merely_mentioning_it_after_the_articles(client):
    # 联系我们 says “乌达党建网站” in its text: it was listed above every article about 党建.
    PageFactory(title="联系我们", slug="lianxiwomen", body="<p>来信请注明“乌达党建网站”字样。</p>")
    PageFactory(title="党建工作指南", slug="dangjianzhinan", body="<p>办事流程。</p>")
    articles = [ArticleFactory(title=f"乌达区党建工作动态第{n}期") for n in range(21)]  # two pages
    newest = [article.get_absolute_url() for article in reversed(articles)]
    html = client.get(SEARCH, {"q": "党建"}).content.decode()
    assert results_of(html) == ["/pages/dangjianzhinan/", *newest[:20], "/pages/lianxiwomen/"]
    assert "找到 2 个单页和 21 篇文章包含“党建”。" in html
    assert '<p class="search-results-note">正文中提到“党建”的单页：</p>' in html
    # The next page: the last article, no single page again.
    html = client.get(SEARCH, {"q": "党建", "page": 2}).content.decode()
    assert results_of(html) == newest[20:]
    assert "找到 21 篇包含“党建”的文章。" in html


@pytest.mark.django_db
def test_the_count_names_the_single_pages_when_more_articles_match_than_are_ranked(client, monkeypatch):
    # 「党」: more articles than are ranked, and the four single pages, after the first page's articles.
    monkeypatch.setattr("news.selectors.search.SEARCH_MAX_RESULTS", 3)
    PageFactory(title="联系我们", slug="lianxiwomen", body="<p>来信请注明“乌达党建网站”字样。</p>")
    ArticleFactory.create_batch(4, title="党建工作动态")
    html = client.get(SEARCH, {"q": "党建"}).content.decode()
    assert "找到 1 个单页和 3 多篇文章包含“党建”，以下是其中最新的 3 篇文章；输入更具体的关键词可以缩小范围。" in html
    assert results_of(html)[-1] == "/pages/lianxiwomen/"
