"""
站内搜索 on the benchmark's generated text (issue 14): every query answered by a bounded plan
-- walking the newest entries, or an index (trigrams for three characters and more) -- and
the answer always the newest matches a scan of every text finds.
"""

import json
import random
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demo import textgen
from news.models import ArticleSearchEntry, ArticleSearchLine
from news.search import (
    LONG_LINE,
    PARTIAL,
    PARTNERS,
    PUNCTUATION,
    grams_servable,
    line_grams,
    month_of,
    normalize,
    normalize_query,
    search_key,
)
from news.selectors import search as search_selectors
from tests.factories import ArticleFactory, CategoryFactory

# Three characters whose two-character pieces are each in nearly every generated article,
# while the three together are rare: each once took the whole statement timeout.
REVIEW_QUERIES = ["服务落", "任务群", "落实际", "层党员"]


@pytest.fixture
def generated(db):
    """
    60 articles of the benchmark's text, three to each publication time (ties in the order),
    nine days apart: over six months, so that searches go through several runs of months.
    """
    now = timezone.now()
    categories = [CategoryFactory(name="党建动态"), CategoryFactory(name="组织工作")]
    for seed in range(60):
        article = textgen.article(seed)
        ArticleFactory(
            category=categories[seed % 2],
            title=article.title,
            source=article.source,
            body="".join(f"<p>{paragraph}</p>" for paragraph in article.paragraphs),
            published_at=now - timedelta(hours=1) - timedelta(days=9 * (seed // 3)),
        )
    # The review's queries, each found a few times, in old articles and in new ones.
    for hours, query in enumerate(REVIEW_QUERIES * 2):
        ArticleFactory(
            category=categories[0],
            title="情况通报",
            body=f"<p>{query}情况，旮旯</p>",
            published_at=now - timedelta(days=hours * 20),
        )
    return categories


def scanned(query, category_ids=None):
    """(article id, published_at, in title) of every public entry containing `query`, newest first."""
    entries = ArticleSearchEntry.objects.public()
    if category_ids:
        entries = entries.filter(category_id__in=category_ids)
    rows = [
        (e.article_id, e.published_at, int(query in e.title))
        for e in entries.only("article_id", "published_at", "title", "text")
        if query in e.text
    ]
    return sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)


def terms(texts, seed=14):
    """The benchmark's kinds of query (bench/search_latency.py), from `texts`."""
    rng = random.Random(seed)
    chosen = [*REVIEW_QUERIES, "党", "建", "党建", "icp", "，。", "”“", "。一是", "2021", "会议6"]
    lines = [line for text in texts for line in text.split("\n") if len(line) >= 20]
    for length in [*range(1, 9), *range(8, 21, 3)] * 3:
        line = rng.choice(lines)
        start = rng.randrange(0, len(line) - length + 1)
        chosen.append(normalize_query(line[start : start + length]) or line[start : start + length])
    pieces = sorted(
        {text[i : i + 2] for text in texts for i in range(len(text) - 1) if re.fullmatch(r"\w\w", text[i : i + 2])}
    )
    for _ in range(12):
        a, b = rng.sample(pieces, 2)
        chosen.append(a + b)
        chosen.append(a + rng.choice([p for p in pieces if p[0] == a[1]] or [b])[1])
    return list(dict.fromkeys(chosen))


@pytest.mark.django_db
@pytest.mark.parametrize("walk, first_months, growth", [(1000, 1000, 8), (10, 1, 2), (1, 1, 1)])
def test_the_newest_matches_are_those_a_scan_finds(generated, monkeypatch, walk, first_months, growth):
    """
    With 1000, every entry is walked or in the first run of months; with the smaller sizes,
    the archive lies in many runs or past the walk, read through an index or by walking on;
    ties in publication time fall on the edges of the walk.
    """
    monkeypatch.setattr(search_selectors, "SEARCH_MAX_RESULTS", 7)
    monkeypatch.setattr(search_selectors, "WALK", walk)
    monkeypatch.setattr(search_selectors, "FIRST_MONTHS", first_months)
    monkeypatch.setattr(search_selectors, "GROWTH", growth)
    texts = list(ArticleSearchEntry.objects.values_list("text", flat=True))
    for term in terms(texts):
        assert search_selectors._candidates(term, None) == scanned(term)[:8], term
    ids = [generated[0].pk]
    for term in REVIEW_QUERIES + ["党建", "。一是", "会议"]:
        assert search_selectors._candidates(term, ids) == scanned(term, ids)[:8], term


def _searches(query):
    """The WHERE clauses of the queries of the search table a search made."""
    with CaptureQueriesContext(connection) as captured:
        search_selectors._candidates(query, None)
    searched = [q["sql"].lower() for q in captured.captured_queries if "news_articlesearch" in q["sql"]]
    return [sql.split(" where ", 1)[1] for sql in searched]


@pytest.mark.postgres
@pytest.mark.django_db
def test_each_query_checks_only_the_texts_its_plan_calls_for(generated, monkeypatch):
    monkeypatch.setattr(search_selectors, "SEARCH_MAX_RESULTS", 50)
    monkeypatch.setattr(search_selectors, "WALK", 40)
    monkeypatch.setattr(search_selectors, "FIRST_MONTHS", 1)
    # Three characters or more, common or rare: runs of months through the grams index, no
    # text checked but the index's candidates; a rare one goes on in a longer run.
    for query in ["服务落", "党组织", "服务群众"]:
        searches = _searches(query)
        assert all("strpos" not in where and '"vector" @@' not in where for where in searches), query
        assert [where for where in searches if '"key"::text like' in where and "news_search_line_grams(" in where], (
            query
        )
    # 服务落 is in this month's texts, 任务群 not (20 and 100 days ago): either way one month,
    # then the rest, as the share found asks for more than the archive's six months, or as
    # none was found.
    for query in ["服务落", "任务群"]:
        assert len([where for where in _searches(query) if " like " in where]) == 2, query
    # Two characters in nearly every article: 38 or more in the 40 walked, walking on.
    assert len([row for row in scanned("党建") if row[1] >= scanned("党建")[39][1]]) >= 38
    *_, where = _searches("党建")
    assert "strpos" in where and "@@" not in where and " like " not in where
    # Rare, two characters: the bigram index names the entries, no text checked but those
    # whose vector holds only their start (news.search.pieces_match; none here).
    assert 0 < len(scanned("旮旯")) <= 8
    *_, where = _searches("旮旯")
    before, *after = where.split(" like ")
    assert "@@" in where and "strpos" not in where and len(after) == 1 and PARTIAL in before[-80:]
    # Answered by the walk alone: one query of the search table.
    monkeypatch.setattr(search_selectors, "SEARCH_MAX_RESULTS", 5)
    assert len(_searches("党建")) == 1


@pytest.mark.django_db
def test_a_search_answer_is_kept_once_whatever_else_the_address_holds(monkeypatch):
    """Even the answer that a search took too long: one page-cache entry, other parameters or not."""
    from news.selectors import SearchTooSlow
    from tests.wsgi_client import WSGIClient
    from wuda_portal.wsgi import application

    ArticleFactory(title="服务落实")
    searches = []

    def too_slow(*args):
        searches.append(args)
        raise SearchTooSlow

    monkeypatch.setattr(search_selectors, "_candidates", too_slow)
    web = WSGIClient(application)
    first = web.get("/search/?" + urlencode({"q": "服务落", "junk": "0"}))
    assert first.status_code == 200 and "搜索用时过长" in first.content.decode()
    for n in range(1, 6):
        again = web.get("/search/?" + urlencode({"utm_source": n, "q": "服务落", "junk": n}))
        assert again.status_code == 200 and again["X-Page-Cache"] == "hit"
    assert len(searches) == 1


def test_grams_serve_queries_of_three_characters_or_more_punctuation_and_symbols_included():
    assert grams_servable("服务落") and grams_servable("，实施") and grams_servable("a，b")
    assert grams_servable(normalize_query("，。、")) and grams_servable("。”“") and grams_servable("\u2728\u2728\u2728")
    assert not grams_servable("党建") and not grams_servable("  ")


def test_the_search_key_is_a_permutation_so_containment_is_kept_exactly():
    rng = random.Random(14)
    alphabet = [*PUNCTUATION[:40], *PUNCTUATION[-12:], *PARTNERS[:20], *"党建服务落实个年轻干部ab1\n"]
    for _ in range(3000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 12)))
        query = "".join(rng.choices(alphabet, k=rng.randint(1, 3)))
        assert (search_key(query) in search_key(text)) == (query in text), (query, text)
        assert search_key(search_key(text)) == text
    assert all(normalize(c) == c and not c.isalnum() for c in PUNCTUATION)
    assert all(c.isalnum() for c in search_key(PUNCTUATION))


def _named_and_matched(entries):
    """(entries the trigram index names as candidates, entries that match) of a LIKE filter, by its plan."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: the planner would rather scan
    plan = json.loads(entries.explain(analyze=True, format="json"))[0]["Plan"]
    heap = next(node for node in _nodes(plan) if node["Node Type"] == "Bitmap Heap Scan")
    return heap["Actual Rows"] + heap.get("Rows Removed by Index Recheck", 0), heap["Actual Rows"]


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _assert_only_the_two_are_checked(query, *, near, holding):
    """
    Thirty articles (title, body) `near` the query and two `holding` it: the query finds the
    two, and the trigram index names those two only, as the search's slices ask it
    (test_each_query_checks_only_the_texts_its_plan_calls_for).
    """
    for hours in range(30):
        ArticleFactory(title=near[0], body=near[1], published_at=timezone.now() - timedelta(hours=hours))
    for hours in (5, 50):
        ArticleFactory(
            title=holding[0], body=holding[1], published_at=timezone.now() - timedelta(hours=hours, minutes=30)
        )
    query = normalize_query(query)
    assert len(scanned(query)) == 2
    months = list(search_selectors._months(timezone.now(), timezone.now() - timedelta(hours=51)))
    assert _named_and_matched(search_selectors._lines_in(search_key(query), months)) == (2, 2)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_query_across_punctuation_checks_only_the_texts_that_hold_it(generated):
    """
    个。年轻干部坚持: 个 and 年轻干部坚持 are both everywhere, 年轻干部坚持 right after a 。 in
    most texts, but the two meet at the 。 in two only. The index names those two.
    """
    _assert_only_the_two_are_checked(
        "个。年轻干部坚持",
        near=("示范带动", "<p>选树先进典型5个，以点带面。年轻干部坚持问题导向，整体提升。</p>"),
        holding=("问题导向", "<p>选树先进典型5个。年轻干部坚持问题导向。</p>"),
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_long_query_whose_pieces_are_apart_in_other_articles_checks_only_its_lines(db):
    """
    抓好党员积分管理各项任务落实。二是: thirty articles hold every three characters of it, in
    two paragraphs; two hold the query. The index is on lines (a field, a paragraph), so it names those two.
    """
    _assert_only_the_two_are_checked(
        "抓好党员积分管理各项任务落实。二是",
        near=("会议强调", "<p>抓好党员积分管理各部门工作。</p><p>依法处理各项任务落实。二是聚焦服务群众。</p>"),
        holding=("会议强调", "<p>以钉钉子精神抓好党员积分管理各项任务落实。二是聚焦服务群众。</p>"),
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_grams_the_database_keeps_are_those_a_query_asks_for_and_the_index_serves_them(generated):
    """
    The lines' grams (computed in SQL for the index, news migration 0019) are
    news.search.line_grams of their key and month: Chinese, punctuation swapped, CJK Extension A, a character beyond
    the BMP, digits and Latin letters alike; they follow a line's publication time.
    """
    odd = ArticleFactory(
        title="个。“服务”，\U00020000𠀀ab1",
        body=f"<p>{PUNCTUATION}</p>",
        published_at=timezone.now() - timedelta(days=40),
    )
    stored = ArticleSearchLine.objects.filter(entry_id=odd.pk)
    assert stored.count() == 2  # the title, the body
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, published_at, array_to_string(tsvector_to_array(news_search_line_grams(key, published_at)), ' ')"
            " FROM news_articlesearchline WHERE entry_id = %s",
            [odd.pk],
        )
        for key, published_at, grams in cursor.fetchall():
            assert set(grams.split(" ")) - {""} == line_grams(key, month_of(published_at)), key
    # Through the index: the lines move to the month of their new publication time (the
    # trigger's other path).
    before, when = odd.published_at, timezone.now() - timedelta(days=400)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

    def found_in(moment):
        return set(search_selectors._lines_in(search_key("服务”,"), [moment]).values_list("entry_id", flat=True))

    assert found_in(before) == {odd.pk} and not found_in(when)
    ArticleSearchEntry.objects.filter(article_id=odd.pk).update(published_at=when)
    assert found_in(when) == {odd.pk} and not found_in(before)
    # A run of months is one bitmap scan of the grams index per month.
    months = list(search_selectors._months(timezone.now(), timezone.now() - timedelta(days=70)))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search_selectors._lines_in(search_key("服务落"), months).explain()
    assert plan.count("Bitmap Index Scan on news_search_line_grams") == len(months) >= 3


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_time_limit_holds_for_the_whole_search_not_each_slice(generated, monkeypatch):
    import itertools

    monkeypatch.setattr(search_selectors, "FIRST_MONTHS", 1)
    monkeypatch.setattr(search_selectors, "GROWTH", 1)
    clock = itertools.count(0, 10)  # ten seconds pass at every look at the clock
    monkeypatch.setattr(search_selectors.time, "monotonic", lambda: next(clock))
    with pytest.raises(search_selectors.SearchTooSlow):
        search_selectors._candidates("党组织", None)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_date_typed_a_thousand_years_back_costs_a_search_none_of_the_months_between(generated):
    """
    1025 typed for 2025: a rare query (none in the first run) asks the index for the months
    that hold the archive and that one, not for each of the 12,000 months between.
    """
    old = ArticleFactory(title="旮旯里的通知", published_at=timezone.now().replace(year=1025))
    with CaptureQueriesContext(connection) as captured:
        found = search_selectors._candidates("旮旯里", None)
    assert found == scanned("旮旯里") == [(old.pk, old.published_at, 1)]
    held = {month_of(e.published_at) for e in ArticleSearchEntry.objects.public()}
    assert len(held) <= 9
    asked = sum(query["sql"].count("news_search_line_grams(") for query in captured.captured_queries)
    assert asked <= search_selectors.FIRST_MONTHS + len(held)


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_article_dated_before_the_year_1000_is_found(db):
    """0202 typed for 2022: to_char() writes the grams' year in four digits, and so must a query."""
    ancient = ArticleFactory(title="旮旯里的通知", published_at=datetime(202, 5, 1, 12, tzinfo=UTC))
    assert search_selectors._candidates("旮旯里", None) == [(ancient.pk, ancient.published_at, 1)]
    assert month_of(ancient.published_at) == "020205"


@pytest.mark.postgres
@pytest.mark.django_db
def test_partners_of_quotes_backslashes_and_operators_are_found_through_the_grams(db):
    """
    The partners of PUNCTUATION in a text are its punctuation in the key: the grams'
    tsquery then holds quotes, backslashes, colons, spaces and its own operators.
    """
    assert set("'\\: &|!()*<") <= set(search_key(PARTNERS))
    article = ArticleFactory(title="通知", body=f"<p>{PARTNERS}</p>")
    for i in range(len(PARTNERS) - 2):
        query = PARTNERS[i : i + 3]
        assert search_selectors._candidates(query, None) == [(article.pk, article.published_at, 0)], query


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_paragraph_of_eighty_thousand_characters_is_found_to_its_end(db):
    """
    A line whose grams would pass a tsvector's 1 MB (some 70,000 Chinese characters without
    a break) saves, and is found, in this month's run and in an older one.
    """
    rng = random.Random(14)
    paragraph = "".join(rng.choices([chr(c) for c in range(0x4E00, 0x9FA6)], k=80_000))
    query = max(paragraph[i : i + 3] for i in range(len(paragraph) - 2))
    article = ArticleFactory(title="长文", body=f"<p>{paragraph}</p>")
    older = ArticleFactory(title="长文", body=f"<p>{paragraph}</p>", published_at=timezone.now() - timedelta(days=200))
    ArticleFactory(title="短文", body="<p>无关</p>", published_at=timezone.now() - timedelta(days=400))
    # No grams (news.search.LONG_LINE): the long lines' index names them, each in its run of months.
    expected = [(article.pk, article.published_at, 0), (older.pk, older.published_at, 0)]
    assert search_selectors._candidates(query, None) == expected


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_keeps_the_long_line_limit_the_search_asks_with():
    """Migration 0019 writes news.search.LONG_LINE into the grams function and the long lines' index."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('news_search_line_long'::regclass)")
        assert f"> {LONG_LINE})" in cursor.fetchone()[0]
        cursor.execute("SELECT pg_get_functiondef('news_search_line_grams(text, timestamptz)'::regprocedure)")
        assert f"<= {LONG_LINE}" in cursor.fetchone()[0]
        # The limit itself: a line of LONG_LINE characters has grams, one more has none.
        for length, has_grams in [(LONG_LINE, True), (LONG_LINE + 1, False)]:
            cursor.execute("SELECT news_search_line_grams(repeat('党', %s), now()) IS NOT NULL", [length])
            assert cursor.fetchone()[0] is has_grams


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_article_dated_in_the_first_month_of_year_one_is_found_and_nothing_fails(db):
    """0001 typed for a year: the months go back to January of year 1 and no further (there was a 500)."""
    first = ArticleFactory(title="旮旯里的通知", published_at=datetime(1, 1, 5, 10, tzinfo=UTC))
    assert search_selectors._candidates("旮旯里", None) == [(first.pk, first.published_at, 1)]
    assert search_selectors._candidates("没有的词", None) == []
