"""
站内搜索: a page of the articles whose text contains the query (see news.search for the
index). The newest SEARCH_MAX_RESULTS matches are ranked, title matches first; a term's
ranking and each page of its results are kept until the content changes.
"""

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import OperationalError, connection, transaction
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, IntegerField, Subquery, Value, When
from django.db.models.functions import Coalesce, StrIndex
from django.utils import timezone
from psycopg2.errors import QueryCanceled

from core import caching
from core.frame import SITE_FRAME

from ..models import Article, ArticleSearchEntry, ArticleSearchLine
from ..presenters import PageResult, SearchResult
from ..search import needs_recheck, normalize, normalize_query, search_key, trigram_servable, tsquery_literal
from .categories import CATEGORY_TREE
from .listings import page_of

SEARCH_MAX_RESULTS = 500
SEARCH_TIMEOUT_MS = 3000
# What a result shows of an article (news.presenters.SearchResult).
RESULT_FIELDS = ("id", "title", "subtitle", "body", "external_url", "summary", "published_at", "source", "author")
RESULT_FIELDS += ("category__name", "category__slug")


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


# How the public search finds the newest matches on PostgreSQL (_candidates). Checking one
# entry's text costs reading and decompressing it (tens of microseconds), so what counts is
# how many texts a search checks:
#
# - A query the trigram index serves (news.search.trigram_servable) is answered through
#   slices of the archive, newest first: the first holds FIRST_SLICE entries; each next is
#   sized from the share of matches found so far to hold the matches still wanted (half as
#   many again), at most GROWTH times the entries covered before (the rest when fewer, or
#   when the first slice held no match: a rare query's candidates are few). In
#   each slice the trigram index of search keys and the publication time together (one GIN
#   index on both, btree_gin) name the candidates, so only keys that hold the query's
#   trigrams, across punctuation too, are checked, never the whole archive. Their number is
#   what a search costs: about the matches wanted, more where the query's trigrams often
#   occur apart.
# - Any other query (one or two characters, or punctuation alone) walks the newest WALK
#   entries first. A term with SEARCH_MAX_RESULTS + 1 matches among them is answered
#   there. Otherwise their share of matches decides: at WALK_ON_SHARE or more, walking on
#   checks about (matches wanted) / share texts; below it the bigram index names exactly
#   the entries with the term (one or two characters: no text to check), share × archive.
FIRST_SLICE = 600
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)  # before any publication time
GROWTH = 8
WALK = 250
WALK_ON_SHARE = 0.3


def _searched(category_ids):
    """The entries a public search looks at: of public articles, in these 栏目 if any."""
    entries = ArticleSearchEntry.objects.public()
    return entries.filter(category_id__in=category_ids) if category_ids else entries


def _newest_first(entries):
    return entries.order_by("-published_at", "-article_id")


def _in_title(query):
    return Case(When(title__contains=query, then=Value(1)), default=Value(0), output_field=IntegerField())


def _rows(entries, query, count):
    """(article id, published_at, in title) of the newest `count` of `entries`."""
    rows = _newest_first(entries).annotate(in_title=_in_title(query))
    return list(rows.values_list("article_id", "published_at", "in_title")[:count])


def _moment():
    return ExpressionWrapper(F("published_at") + Value(timedelta(0)), output_field=DateTimeField())


def _through_slices(query, category_ids, limit, started):
    """
    The first slice, a few hundred entries, is one query: the entries of the slice whose
    lines hold the query. Each later slice asks the lines' index first, for the entries
    whose lines hold the query, then those entries: in one query over a large slice the
    planner would rather walk the entries newest first and check each one's lines (the
    whole archive when the matches are few: 3 s at 100,000 articles). The GIN query takes
    the upper bounds on the publication time (now, for public entries, and the edge of the
    slices before) as a plain filter on `moment`, the publication time that no index
    serves: as index conditions, btree_gin would read every line older than the bound.
    """
    found, covered, size = [], 0, FIRST_SLICE
    older = _searched(category_ids)  # what no slice has covered yet
    now = timezone.now()
    # The lines whose key holds the query's (news.search.search_key: exactly when the text
    # holds the query); pg_trgm's recheck of its candidates against the line is the whole check.
    lines = ArticleSearchLine.objects.filter(key__contains=search_key(query)).alias(moment=_moment())
    lines = lines.filter(moment__lte=now)
    entries = _searched(category_ids).alias(moment=_moment())
    while True:
        # The publication time of the slice's oldest entry (none: the slice is the rest).
        oldest = older.order_by("-published_at").values_list("published_at", flat=True)
        oldest = oldest[size - 1 : size] if size is not None else oldest.none()
        if not covered:
            edge = Subquery(oldest, output_field=DateTimeField())
            lower = Coalesce(edge, Value(EARLIEST))
            piece = entries.filter(published_at__gte=lower)
            piece = piece.filter(article_id__in=lines.filter(published_at__gte=lower).values("entry_id"))
            rows = _newest_first(piece).annotate(in_title=_in_title(query), edge=edge)
            rows = list(rows.values_list("article_id", "published_at", "in_title", "edge")[: limit - len(found)])
            found += [row[:3] for row in rows]
            edge = rows[0][3] if rows else next(iter(oldest), None)  # no match to tell the edge: ask
        else:
            edge = next(iter(oldest), None)
            ids = set(
                (lines if edge is None else lines.filter(published_at__gte=edge)).values_list("entry_id", flat=True)
            )
            found += _rows(entries.filter(article_id__in=ids), query, limit - len(found)) if ids else []
        if len(found) >= limit or edge is None:
            return found
        older = older.filter(published_at__lt=edge)
        lines = lines.filter(moment__lt=edge)
        entries = entries.filter(moment__lt=edge)
        _within_the_time_left(started)
        covered += size
        # As many entries as the matches still wanted take at the share found so far, half
        # as many again; at most GROWTH times what was covered. No match yet: a rare query,
        # whose candidates are few; slices far back in time would cost btree_gin more (it
        # reads every line newer than the slice's edge) than the candidates do.
        wanted = 1.5 * (limit - len(found)) * covered / len(found) if found else None
        size = None if wanted is None else int(max(covered, min(wanted, GROWTH * covered)))


def _within_the_time_left(started):
    """The statement timeout for the next of a search's queries: what is left of the search's."""
    left = SEARCH_TIMEOUT_MS - int((time.monotonic() - started) * 1000)
    if left <= 0:
        raise SearchTooSlow
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = %s", [left])


def _walking(query, scope, limit, started):
    walked = list(
        _newest_first(scope)
        .annotate(
            found=Case(  # 0: no match, 1: a match, 2: a match in the title
                When(position__gt=0, title__contains=query, then=Value(2)),
                When(position__gt=0, then=Value(1)),
                default=Value(0),
            )
        )
        .values_list("article_id", "published_at", "found")[:WALK]
    )
    found = [(pk, published_at, hit - 1) for pk, published_at, hit in walked if hit]
    if len(found) >= limit or len(walked) < WALK:
        return found[:limit]
    # Older than the last entry walked, in the order walked.
    last_pk, last_published_at, _ = walked[-1]
    older = scope.filter(published_at__lte=last_published_at).exclude(
        published_at=last_published_at, article_id__gte=last_pk
    )
    if len(found) >= WALK_ON_SHARE * WALK:
        older = older.filter(position__gt=0)
    else:
        older = older.filter(vector__bigram_match=tsquery_literal(query))
        if needs_recheck(query):
            older = older.filter(position__gt=0)
    _within_the_time_left(started)
    return found + _rows(older, query, limit - len(found))


def _candidates(query, category_ids):
    """
    (article id, published_at, in title) of the newest SEARCH_MAX_RESULTS + 1 matches. Their
    number bounds the work: a term in most of the archive is answered from the newest
    entries, a rare one by an index; neither checks the whole archive's text.
    """
    limit = SEARCH_MAX_RESULTS + 1
    scope = _searched(category_ids).alias(position=StrIndex("text", Value(query)))
    if connection.vendor != "postgresql":
        return _rows(scope.filter(position__gt=0), query, limit)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # A safety net for the whole search (its slices each get what is left): no
            # search should come near it, but a worker is never held for longer.
            cursor.execute("SET LOCAL statement_timeout = %s", [SEARCH_TIMEOUT_MS])
            started = time.monotonic()
            if trigram_servable(query):
                return _through_slices(query, category_ids, limit, started)
            return _walking(query, scope, limit, started)
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
    # The single pages found (PageResult), on the first page: above the articles those whose
    # title holds the query, after them those only whose text does (the articles' titles
    # say more than a page's passing mention; matching_pages).
    pages: list = field(default_factory=list)
    text_pages: list = field(default_factory=list)


def matching_pages(tree, query, category_ids=None):
    """
    (title matches, text-only matches): published single pages whose title, or else whose
    text, contains `query` (normalised, as articles are matched), from the 栏目 tree that
    lists them with their text: there it costs the search no query.
    """
    pages = [entry for entry in tree.pages if not category_ids or entry.category_id in category_ids]
    in_title = [entry for entry in pages if query in normalize_query(entry.title)]
    in_text = [entry for entry in pages if entry not in in_title and query in normalize(entry.text)]
    return [PageResult.of(entry, query) for entry in in_title], [PageResult.of(entry, query) for entry in in_text]


def _results_page(tree, query, number, category_ids):
    ranked, more = ranked_matches(query, category_ids)
    page = page_of([], number, len(ranked))
    ids = ranked[page.start_index() - 1 : page.end_index()] if ranked else []
    articles = Article.objects.published().filter(pk__in=ids).select_related("category")
    articles = articles.only(*RESULT_FIELDS)
    by_id = {article.pk: article for article in articles}
    page.object_list = [SearchResult.of(by_id[pk], query) for pk in ids if pk in by_id]
    in_title, in_text = matching_pages(tree, query, category_ids) if page.number == 1 else ([], [])
    return SearchResults(page, more, in_title, in_text)


def search_page(query, number, category_slug=""):
    """
    (tree, category or None, SearchResults or None) of a search; InvalidPage past its last
    page, SearchTooSlow when the database gave up. Read with the frame and the tree in one
    round trip.
    """
    results = caching.Cached(
        f"search-page:{_name(query, category_slug, number)}",
        lambda: _results_page(tree, query, number, tree.family_ids(category) if category else None),
        caching.object_seconds,
    )
    caching.read(SITE_FRAME, CATEGORY_TREE, *([results] if query else []))
    tree = caching.get_one(CATEGORY_TREE)
    category = tree.by_slug.get(category_slug)
    if not query or (category_slug and category is None):
        return tree, category, None  # nothing kept for a 栏目 that does not exist
    return tree, category, caching.get_one(results)
