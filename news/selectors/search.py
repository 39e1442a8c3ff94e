"""
站内搜索: a page of the articles whose text contains the query (see news.search for the
index). The newest SEARCH_MAX_RESULTS matches are ranked, title matches first; a term's
ranking and each page of its results are kept until the content changes.
"""

import hashlib
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import StrIndex
from psycopg2.errors import QueryCanceled

from core import caching
from core.frame import SITE_FRAME

from ..models import Article, ArticleSearchEntry
from ..presenters import SearchResult
from ..search import MAX_QUERY_LENGTH, needs_recheck, normalize_query, tsquery_literal
from .categories import CATEGORY_TREE
from .listings import page_of

SEARCH_MAX_RESULTS = 500
SEARCH_TIMEOUT_MS = 3000


@dataclass
class SearchQuery:
    text: str  # as the visitor typed it (cut to the maximum length)
    normalized: str
    truncated: bool


def search_text(raw):
    """
    ?q= in its one form (the page cache keys on it): what parse_search_query reads of it.
    A longer query is cut, with one mark after it that says so (all queries that share their
    first MAX_QUERY_LENGTH characters are one page).
    """
    text = (raw or "").replace("\x00", "").strip()
    return text if len(text) <= MAX_QUERY_LENGTH else text[:MAX_QUERY_LENGTH] + "…"


def parse_search_query(raw):
    raw = search_text(raw)
    truncated = len(raw) > MAX_QUERY_LENGTH
    text = raw[:MAX_QUERY_LENGTH]
    return SearchQuery(text=text, normalized=normalize_query(text), truncated=truncated)


class SearchTooSlow(Exception):
    """The database gave up on a search (statement timeout): ask for a more specific query."""


def search_entries(query, *, category_ids=None, public=True):
    """
    Search entries of public articles whose text contains `query` (already normalised);
    public=False: of every article, drafts included (the admin's search).
    """
    entries = ArticleSearchEntry.objects.public() if public else ArticleSearchEntry.objects.all()
    if category_ids:
        entries = entries.filter(category_id__in=category_ids)
    # strpos() rather than LIKE: the planner guesses a LIKE '%…%' to be very selective and
    # then checks every text holding the query's pieces; strpos() leaves the estimate to
    # the bigram index, which knows how common the pieces are.
    contains = StrIndex("text", Value(query))
    if connection.vendor == "postgresql":
        entries = entries.filter(vector__bigram_match=tsquery_literal(query))
        if needs_recheck(query):
            entries = entries.alias(position=contains).filter(position__gt=0)
    else:
        entries = entries.alias(position=contains).filter(position__gt=0)
    return entries


def _candidates(query, category_ids):
    """
    (article id, published_at, in title) of the newest SEARCH_MAX_RESULTS + 1 matches. Their
    number bounds the work: a term in most of the archive is answered by walking the newest
    entries and stopping, a rare one by the bigram index; neither reads the whole archive.
    """
    in_title = Case(When(title__contains=query, then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = (
        search_entries(query, category_ids=category_ids)
        .annotate(in_title=in_title)
        .order_by("-published_at", "-article_id")
        .values_list("article_id", "published_at", "in_title")[: SEARCH_MAX_RESULTS + 1]
    )
    if connection.vendor != "postgresql":
        return list(rows)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # A query whose pieces are everywhere but which itself is rare can make the
            # database check many texts; give up politely instead of holding a worker.
            cursor.execute("SET LOCAL statement_timeout = %s", [SEARCH_TIMEOUT_MS])
            return list(rows)
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            raise SearchTooSlow from error
        raise


def _name(*parts):
    """A name for a search: queries are any text up to 100 characters."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def ranked_matches(query, category_ids=None):
    """(article ids, more): the newest SEARCH_MAX_RESULTS matches, title matches first, then newer."""

    def build():
        candidates = _candidates(query, category_ids)
        ranked = sorted(candidates[:SEARCH_MAX_RESULTS], key=lambda c: (c[2], c[1], c[0]), reverse=True)
        return [c[0] for c in ranked], len(candidates) > SEARCH_MAX_RESULTS

    ranking = caching.Cached(f"search:{_name(query, sorted(category_ids or ()))}", build, caching.object_seconds)
    return caching.get_one(ranking)


@dataclass
class SearchResults:
    page: object  # a django.core.paginator.Page of SearchResult
    more: bool  # there were more matches than were ranked


def _results_page(query, number, category_ids):
    ranked, more = ranked_matches(query, category_ids)
    page = page_of([], number, len(ranked))
    ids = ranked[page.start_index() - 1 : page.end_index()] if ranked else []
    articles = Article.objects.published().filter(pk__in=ids).select_related("category")
    articles = articles.only(
        "id",
        "title",
        "subtitle",
        "body",
        "external_url",
        "published_at",
        "source",
        "author",
        "category__name",
        "category__slug",
    )
    by_id = {article.pk: article for article in articles}
    page.object_list = [SearchResult.of(by_id[pk], query) for pk in ids if pk in by_id]
    return SearchResults(page, more)


def search_page(query, number, category_slug=""):
    """
    (tree, category or None, SearchResults or None) of a search; InvalidPage past its last
    page, SearchTooSlow when the database gave up. Read with the frame and the tree in one
    round trip.
    """
    results = caching.Cached(
        f"search-page:{_name(query, category_slug, number)}",
        lambda: _results_page(query, number, tree.family_ids(category) if category else None),
        caching.object_seconds,
    )
    caching.read(SITE_FRAME, CATEGORY_TREE, *([results] if query else []))
    tree = caching.get_one(CATEGORY_TREE)
    category = tree.by_slug.get(category_slug)
    if not query or (category_slug and category is None):
        return tree, category, None  # nothing kept for a 栏目 that does not exist
    return tree, category, caching.get_one(results)
