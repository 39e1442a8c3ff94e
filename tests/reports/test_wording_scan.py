"""
The content scan reads less at 100,000 articles (issue 18): 错敏词 read only the texts the
bigram index names, links only the bodies their index names; the findings stay those of
reading everything.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from news.models import Article, ArticleSearchEntry
from reports import content_scan, wording_scan
from reports.wording_scan import scan_wording
from tests.factories import ArticleFactory, CategoryFactory, varied_text
from wording.models import Severity, WordingEntry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the bigram index is PostgreSQL's")


@pytest.fixture
def archive():
    """Articles with findings in every field, near-misses the index cannot tell apart, and unpublished ones."""
    WordingEntry.objects.create(wrong="共和", right="中华人民共和国", severity=Severity.ORDINARY)
    WordingEntry.objects.create(wrong="ＡＢ", right="甲乙", severity=Severity.ORDINARY)
    category = CategoryFactory(name="党建动态")

    def article(**fields):
        return ArticleFactory(category=category, **fields)

    article(title="认真布署工作", body="<p>深入学习习近平思想，再接再励。</p>")
    article(subtitle="按步就班", body="<p>一如继往。</p><p>布署</p>")
    article(summary="认真布署，一如继往", body="<p>干净的正文。</p>")  # written summary
    article(body="<p>认真布署工作，按步就班。</p>")  # the automatic summary: found once, in the body
    article(body="<p>中华人民共和国成立。共和之外。</p>")  # one covered by its right form, one not
    article(body="<p>习近平的思想，和平思考。</p>")  # every piece of 习近平思想, apart: no finding
    article(body="<p>台湾总统</p>", wording_confirmed="台湾总统")
    article(summary="ＡＢ工作", body="<p>ab工作。</p>")  # the summary is the body's start once folded
    article(summary="ＡＢ事项", body="<p>别的内容。</p>")
    for n in range(25):  # most articles have no finding, as in an archive
        article(title=f"普通文章{n}", body=f"<p>乌达区第{n}次会议。</p>")
    article(status=Article.Status.DRAFT, published_at=None, body="<p>布署</p>")
    article(status=Article.Status.WITHDRAWN, body="<p>布署</p>")
    article(published_at=timezone.now() + timedelta(days=1), body="<p>布署</p>")  # scheduled


def summary(findings):
    return [(f["article_id"], f["field"], f["position"], f["wrong"], f["confirmed"]) for f in findings]


def test_reading_the_indexed_texts_finds_what_reading_every_text_finds(archive):
    fast, fast_count = scan_wording(every_text=False)
    every, every_count = scan_wording(every_text=True)
    assert fast == every and fast_count == every_count == 34
    found = summary(fast)
    assert [(field, wrong) for _, field, _, wrong, _ in found] == [
        ("标题", "布署"),
        ("正文", "习近平思想"),
        ("正文", "再接再励"),
        ("副标题", "按步就班"),
        ("正文", "一如继往"),
        ("正文", "布署"),
        ("摘要", "布署"),
        ("摘要", "一如继往"),
        ("正文", "布署"),
        ("正文", "按步就班"),
        ("正文", "共和"),
        ("正文", "台湾总统"),
        ("摘要", "ＡＢ"),
    ]
    assert [confirmed for *_, confirmed in found].count(True) == 1


def test_a_form_common_in_ordinary_text_is_found_by_reading_every_text(archive, monkeypatch):
    """When the index names most articles (会议 is in 25 of 34), every text is read instead: the same findings."""
    WordingEntry.objects.create(wrong="会议", right="会晤", severity=Severity.ORDINARY)
    read_every_text = []
    every_text = wording_scan._every_text
    monkeypatch.setattr(wording_scan, "_every_text", lambda *args: read_every_text.append(1) or every_text(*args))
    fast, _ = scan_wording(every_text=False)
    assert read_every_text == [1]
    assert fast == scan_wording(every_text=True)[0]
    assert [f["article_id"] for f in fast if f["wrong"] == "会议"] == list(
        Article.objects.filter(title__startswith="普通文章").order_by("pk").values_list("pk", flat=True)
    )


def test_a_text_is_read_only_where_the_index_puts_a_wrong_form(archive):
    """What the scan relies on: the bigram vector holds every piece of the text (as search does)."""
    clean = Article.objects.get(title="普通文章0")
    # The text alone changed, behind the index's back: only reading every text sees it.
    ArticleSearchEntry.objects.filter(article=clean).update(text="普通文章0\n\n\n认真布署")
    assert "布署" in [f["wrong"] for f in scan_wording(every_text=True)[0] if f["article_id"] == clean.pk]
    assert clean.pk not in {f["article_id"] for f in scan_wording(every_text=False)[0]}


def test_postgresql_finds_the_bodies_with_links_through_their_index():
    linked = ArticleFactory(body='<p><a href="/articles/1/">链接</a></p>')
    ArticleFactory(body="<p>没有链接。</p>")
    linking = content_scan.linking_bodies()
    assert [pk for pk, _, _ in linking] == [linked.pk]
    sql, params = linking.query.sql_with_params()
    with connection.cursor() as cursor:
        # Statistics of this table as it is now, not as tests before this one left it.
        cursor.execute("ANALYZE news_article")
        cursor.execute("SET LOCAL enable_seqscan = off")  # what the planner picks at 100,000 articles
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "news_article_links_idx" in plan, plan


def test_a_body_too_varied_for_one_vector_is_read_for_the_wrong_form_at_its_end(archive):
    """Its vector holds the pieces of its start only (news.search.PARTIAL): the scan reads its text."""
    long = ArticleFactory(category=CategoryFactory(name="名录"), body=f"<p>{varied_text(200_000)}认真布署</p>")
    fast, _ = scan_wording(every_text=False)
    assert fast == scan_wording(every_text=True)[0]
    assert "布署" in [f["wrong"] for f in fast if f["article_id"] == long.pk]
