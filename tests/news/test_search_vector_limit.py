"""
An article too varied for PostgreSQL's 1 MB tsvector (news.search.VECTOR_BYTES) saves, and
站内搜索 still finds it to its end: its vector holds the pieces of its start and says it is
partial, and search checks its text itself.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Article, ArticleSearchEntry
from news.search import PARTIAL, VECTOR_BYTES, _quote, bigrams, pieces_match, tsvector_literal
from news.selectors import search as search_selectors
from news.selectors import search_entries
from tests.factories import ArticleFactory, varied_text
from tests.factories import article_form_data as form_data

ADD = reverse("admin:news_article_add")


def lexeme_bytes(text):
    """What PostgreSQL counts against its 1 MB: the bytes of the vector's lexemes."""
    return sum(len(piece.encode()) for piece in bigrams(text))


def test_a_vector_past_its_bytes_holds_the_pieces_of_the_text_start_and_says_so():
    text = varied_text(200_000)
    literal = tsvector_literal(text)
    assert lexeme_bytes(text) > 1024 * 1024  # the whole text's vector: refused by PostgreSQL
    assert len(literal.encode()) <= VECTOR_BYTES + len(_quote(PARTIAL))
    assert literal.endswith(" " + _quote(PARTIAL))
    pieces = literal.removesuffix(" " + _quote(PARTIAL)).split(" ")
    kept = {piece.strip("'") for piece in pieces}
    assert len(kept) == len(pieces)  # each piece once
    start = text[: len(pieces)]  # nearly every piece is new: the pieces kept are those of the start
    assert {start[i : i + 2] for i in range(len(start) - 1)} <= kept <= bigrams(text)
    assert _quote(PARTIAL) not in tsvector_literal(varied_text(5_000))


def test_a_text_of_megabytes_with_few_pieces_keeps_its_whole_vector():
    text = "党建引领，基层治理。\n" * 100_000  # 1.1 million characters, 3 MB
    literal = tsvector_literal(text)
    assert _quote(PARTIAL) not in literal
    assert {piece.strip("'") for piece in literal.split(" ")} == bigrams(text)


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_article_too_varied_for_one_vector_saves_in_the_admin_and_is_found_to_its_end(editor_client):
    body = varied_text(200_000)
    response = editor_client.post(ADD, form_data(title="长篇名录", body=f"<p>{body}</p>"))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="长篇名录")
    assert ArticleSearchEntry.objects.filter(pieces_match(body[-2:]), article=article).exists()
    assert ArticleSearchEntry.objects.filter(vector__bigram_match=_quote(PARTIAL), article=article).exists()
    # The admin's search: by the bigram index (one or two characters), and with the text checked.
    for query in (body[-2:], body[-1], body[-7:]):
        assert list(search_entries(query, public=False).values_list("article_id", flat=True)) == [article.pk], query
    assert not search_entries(body[-1] + "党建" + body[0], public=False).exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_public_search_finds_a_partial_vector_article_through_the_bigram_index(monkeypatch):
    """Past the entries walked, two characters are asked of the bigram index: it names the partial vectors' texts to check."""
    monkeypatch.setattr(search_selectors, "WALK", 2)
    now = timezone.now()
    body = varied_text(200_000)
    long = ArticleFactory(title="长篇名录", body=f"<p>{body}</p>", published_at=now - timedelta(days=30))
    for days in range(1, 4):  # newer, walked first, without the pieces
        ArticleFactory(title=f"通知{days}", body="<p>无关</p>", published_at=now - timedelta(days=days))
    for query in (body[-2:], body[-6:]):
        assert search_selectors._candidates(query, None) == [(long.pk, long.published_at, 0)], query
