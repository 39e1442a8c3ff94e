"""站内搜索: every article containing the query, whatever its length, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from news.models import Article, ArticleSearchEntry
from news.search import bigrams, normalize_query, tsquery_literal, tsvector_literal
from news.selectors import search_entries
from tests.factories import ArticleFactory, CategoryFactory

SEARCH = "/search/"


def found_titles(client, query, *, follow=False, **params):
    response = client.get(SEARCH, {"q": query, **params}, follow=follow)
    assert response.status_code == 200
    page = response.context["page"]
    return [result.title for result in page.object_list] if page is not None else None


@pytest.fixture
def corpus(db):
    now = timezone.now()
    category = CategoryFactory(name="党建动态")

    def make(title, body="", days=1, **fields):
        return ArticleFactory(
            category=fields.pop("category", category),
            title=title,
            body=f"<p>{body}</p>" if body else "",
            published_at=now - timedelta(days=days),
            **fields,
        )

    return {
        "yinling": make("党建引领基层治理", "推动网格化管理。", days=3),
        "body_only": make("社区服务中心落成", "坚持以党建引领社区发展。", days=1),
        "apart": make("党的建设新成效", "建引号分开出现。", days=2),  # 党建 and 建引 never adjacent
        "source": make("人才工作会议召开", "会议强调人才是第一资源。", days=4, source="乌达区委组织部"),
        "latin": make("ICP备案说明", "网站已完成 ICP 备案，COVID 防控。", days=5),
        "last_char": make("理论学习要点", "本期重点是建", days=6),
        "draft": make("党建草稿", "党建", days=1, status=Article.Status.DRAFT),
    }


@pytest.mark.django_db
def test_two_characters_inside_a_longer_word(client, corpus):
    titles = found_titles(client, "党建")
    assert set(titles) == {"党建引领基层治理", "社区服务中心落成"}


@pytest.mark.django_db
def test_title_matches_come_first_then_newer(client, corpus):
    titles = found_titles(client, "党建")
    # The body-only match is newer, but the title match leads.
    assert titles == ["党建引领基层治理", "社区服务中心落成"]


@pytest.mark.django_db
def test_one_character_anywhere_even_at_the_very_end(client, corpus):
    titles = set(found_titles(client, "建"))
    assert {"党建引领基层治理", "社区服务中心落成", "党的建设新成效", "理论学习要点"} <= titles
    assert "人才工作会议召开" not in titles


@pytest.mark.django_db
def test_four_characters(client, corpus):
    assert found_titles(client, "基层治理") == ["党建引领基层治理"]


@pytest.mark.django_db
def test_pieces_of_the_query_found_apart_do_not_match(client, corpus):
    assert found_titles(client, "党建引") == ["党建引领基层治理", "社区服务中心落成"]
    assert "党的建设新成效" not in found_titles(client, "党建引")


@pytest.mark.django_db
def test_source_and_author_are_searched(client, corpus):
    assert found_titles(client, "区委组织部") == ["人才工作会议召开"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["icp", "ICP", "ｉｃｐ", "covid", " ICP "])
def test_latin_text_ignores_case_and_width(client, corpus, query):
    assert "ICP备案说明" in found_titles(client, query)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["%", "_", "'", "\\", "' OR 1=1 --", "党建%", "a:*", "!&|", "<script>"])
def test_special_characters_are_just_text(client, corpus, query):
    assert found_titles(client, query) == []


@pytest.mark.django_db
def test_unpublished_articles_are_never_found(client, corpus):
    assert "党建草稿" not in found_titles(client, "党建")


@pytest.mark.django_db
def test_highlighting_marks_the_query_and_escapes_everything_else(client, db):
    ArticleFactory(title="<b>党建</b>工作", body="<p>加强&lt;党建&gt;引领</p>")
    html = client.get(SEARCH, {"q": "党建"}).content.decode()
    assert "&lt;b&gt;<mark>党建</mark>&lt;/b&gt;工作" in html
    assert "加强&lt;<mark>党建</mark>&gt;引领" in html
    assert "<b>" not in html


@pytest.mark.django_db
def test_highlighting_keeps_the_original_width_and_case(client, db):
    ArticleFactory(title="ＩＣＰ备案", body="")
    html = client.get(SEARCH, {"q": "icp"}).content.decode()
    assert "<mark>ＩＣＰ</mark>备案" in html


@pytest.mark.django_db
def test_filter_by_category_includes_its_sub_categories(client, db):
    top = CategoryFactory(name="基层党建", slug="jiceng")
    child = CategoryFactory(name="社区党建", parent=top)
    other = CategoryFactory(name="人才工作", slug="rencai")
    ArticleFactory(category=top, title="基层的党建")
    ArticleFactory(category=child, title="社区的党建")
    ArticleFactory(category=other, title="人才的党建")
    assert set(found_titles(client, "党建", category="jiceng")) == {"基层的党建", "社区的党建"}
    # An unknown 栏目 searches them all, at the address without it (one page-cache entry).
    assert client.get(SEARCH, {"q": "党建", "category": "no-such"}).url == "/search/?q=%E5%85%9A%E5%BB%BA"
    assert set(found_titles(client, "党建", category="no-such", follow=True)) == {
        "基层的党建",
        "社区的党建",
        "人才的党建",
    }


@pytest.mark.django_db
def test_results_are_paginated_and_keep_the_query(client, db):
    for i in range(25):
        ArticleFactory(title=f"党建工作第{i}期", published_at=timezone.now() - timedelta(hours=i + 1))
    page2 = client.get(SEARCH, {"q": "党建", "page": 2})
    assert len(page2.context["page"].object_list) == 5
    html = page2.content.decode()
    assert "找到 25 篇" in html
    assert 'href="?q=%E5%85%9A%E5%BB%BA&amp;page=1"' in html
    assert client.get(SEARCH, {"q": "党建", "page": 3}).status_code == 404
    assert client.get(SEARCH, {"q": "党建", "page": "x"}).status_code == 404


@pytest.mark.django_db
def test_an_empty_query_shows_the_form(client, corpus):
    for query in ("", "   ", "\u3000"):
        response = client.get(SEARCH, {"q": query})
        assert response.status_code == 200
        assert response.context["page"] is None
        assert 'id="search-q"' in response.content.decode()
    assert client.get(SEARCH).status_code == 200


@pytest.mark.django_db
def test_an_overlong_query_is_cut_with_a_message(client, corpus):
    response = client.get(SEARCH, {"q": "党建" + "长" * 10000})
    assert response.status_code == 200
    assert "搜索词太长，只按前 100 个字搜索" in response.content.decode()
    assert len(response.context["query"].text) == 100


@pytest.mark.django_db
def test_nul_bytes_are_dropped(client, corpus):
    assert found_titles(client, "党\x00建") == ["党建引领基层治理", "社区服务中心落成"]


# --- The index itself -------------------------------------------------------------------


def test_bigrams_of_a_text():
    assert bigrams("党建引领") == {"党建", "建引", "引领", "领"}
    assert bigrams("a") == {"a"}
    assert bigrams("") == set()


def test_literals_quote_quotes_and_backslashes():
    assert tsquery_literal("a'b") == "'''b' & 'a'''"
    assert tsquery_literal("党") == "'党':*"
    assert tsquery_literal("a\\b") == "'\\\\b' & 'a\\\\'"
    assert sorted(tsvector_literal("a'").split(" ")) == ["''''", "'a'''"]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("text", ["党建引领", "it's a \\ test: 'x' & y | !z <-> (w):*", "ＡＢ  c\n中文", "'", "\\"])
def test_postgres_reads_the_literals_as_the_pieces(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(%s::tsvector)", [tsvector_literal(text)])
        assert set(cursor.fetchone()[0]) == bigrams(text)
        for start in range(len(text)):
            for end in range(start + 1, min(len(text), start + 4) + 1):
                query = text[start:end]
                cursor.execute("SELECT %s::tsvector @@ %s::tsquery", [tsvector_literal(text), tsquery_literal(query)])
                assert cursor.fetchone()[0], query


def test_queries_are_normalised_like_the_text():
    assert normalize_query("  ＩＣＰ\u3000备案\n号 ") == "icp 备案 号"


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgres_the_index_answers_exactly_like_a_scan(corpus):
    assert connection.vendor == "postgresql"
    terms = ["党", "建", "党建", "党建引", "基层治理", "icp", "'", "区委组织部", "领", "。", "建引号", "会议", " "]
    for term in terms:
        term = normalize_query(term) or term
        indexed = set(search_entries(term).values_list("article_id", flat=True))
        scanned = set(
            Article.objects.published()
            .filter(pk__in=[e.article_id for e in ArticleSearchEntry.objects.all() if term in e.text])
            .values_list("pk", flat=True)
        )
        assert indexed == scanned, term


@pytest.mark.django_db
def test_only_the_newest_matches_are_ranked_with_a_note(client, monkeypatch):
    monkeypatch.setattr("news.selectors.search.SEARCH_MAX_RESULTS", 5)
    now = timezone.now()
    for i in range(7):
        ArticleFactory(
            title=f"第{i}篇" + ("党建" if i == 4 else ""),
            body="<p>党建工作</p>",
            published_at=now - timedelta(days=i + 1),
        )
    response = client.get(SEARCH, {"q": "党建"})
    titles = [r.title for r in response.context["page"].object_list]
    assert titles == ["第4篇党建", "第0篇", "第1篇", "第2篇", "第3篇"]  # the newest five, title match first
    assert "找到 5 多篇" in response.content.decode() and "最新的 5 篇" in response.content.decode()


@pytest.mark.django_db
def test_a_repeated_search_reuses_its_ranking_until_the_content_changes(client, corpus, monkeypatch):
    from news.selectors import search as search_selectors

    scans = []
    scan = search_selectors._candidates
    monkeypatch.setattr(search_selectors, "_candidates", lambda *args: scans.append(args) or scan(*args))
    first = found_titles(client, "党建")
    assert found_titles(client, "党建") == first and len(scans) == 1
    assert found_titles(client, "党建", category=corpus["yinling"].category.slug) == first and len(scans) == 2

    ArticleFactory(title="党建新闻", published_at=timezone.now() - timedelta(minutes=1))
    assert found_titles(client, "党建") == ["党建新闻", *first] and len(scans) == 3


@pytest.mark.django_db
def test_a_search_the_database_gives_up_on_gets_a_message(client, monkeypatch):
    from news import selectors
    from news.selectors import search as search_selectors

    def too_slow(*args, **kwargs):
        raise selectors.SearchTooSlow

    monkeypatch.setattr(search_selectors, "_candidates", too_slow)
    response = client.get(SEARCH, {"q": "党建"})
    assert response.status_code == 200
    assert "搜索用时过长" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_timeout_becomes_a_message(client, monkeypatch):
    ArticleFactory(title="党建", body="<p>党建</p>")
    monkeypatch.setattr("news.selectors.search.SEARCH_TIMEOUT_MS", 1)
    monkeypatch.setattr("news.selectors.search._searched", lambda category_ids: _slow_entries())
    response = client.get(SEARCH, {"q": "党建"})
    assert response.status_code == 200
    assert "搜索用时过长" in response.content.decode()


def _slow_entries():
    from django.db.models.expressions import RawSQL

    # pg_sleep in the WHERE clause: a query that certainly outlives a 1 ms timeout.
    return ArticleSearchEntry.objects.filter(article_id__gt=RawSQL("(SELECT 0 FROM pg_sleep(0.2))", []))


@pytest.mark.django_db
def test_the_entry_follows_status_date_and_category(reviewer):
    from review import rules as workflow

    article = ArticleFactory(status=Article.Status.REVIEW)
    entry = ArticleSearchEntry.objects.get(article=article)
    assert not entry.is_public
    workflow.set_status(article, Article.Status.PUBLISHED, by=reviewer)
    entry.refresh_from_db()
    assert entry.is_public
    other = CategoryFactory()
    article.category = other
    article.published_at = timezone.now() - timedelta(days=9)
    article.save(update_fields=["category", "published_at"])
    entry.refresh_from_db()
    assert (entry.category_id, entry.published_at) == (other.pk, article.published_at)
