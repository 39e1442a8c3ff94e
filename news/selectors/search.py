"""
站内搜索: the articles whose text contains the query (see news.search for the index). The
newest SEARCH_MAX_RESULTS matches are ranked, title matches first, and kept until the
content changes; news.selectors.search_pages makes pages of them.
"""

import hashlib
import time
from datetime import UTC, timedelta
from itertools import islice, takewhile

from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Case, F, IntegerField, Subquery, Value, When
from django.db.models.expressions import Expression
from django.db.models.functions import StrIndex, TruncMonth
from django.utils import timezone
from psycopg2.errors import QueryCanceled

from core import caching

from ..models import ArticleSearchEntry, ArticleSearchLine
from ..search import (
    LONG_LINE,
    grams_servable,
    grams_tsquery,
    month_of,
    needs_recheck,
    pieces_match,
    search_key,
)

SEARCH_MAX_RESULTS = 500
SEARCH_TIMEOUT_MS = 3000


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
        entries = entries.filter(pieces_match(query))
        if needs_recheck(query):
            entries = entries.alias(position=contains).filter(position__gt=0)
    else:
        entries = entries.alias(position=contains).filter(position__gt=0)
    return entries


# How the public search finds the newest matches on PostgreSQL (_candidates). Checking one
# entry's text costs reading and decompressing it (tens of microseconds), so what counts is
# how many texts a search checks, and how much of an index it reads:
#
# - A query of three characters or more (news.search.grams_servable) is answered a run of
#   months at a time, newest first (_through_months): the lines' month grams name the
#   lines of those months that hold every trigram of the query; only those are checked.
#   The first run is FIRST_MONTHS months (this one may have just begun); each next is
#   sized from the share found to hold the matches still wanted (half as many again), at
#   most GROWTH times the months covered; with no match in the first run, the rest.
# - Any other query (one or two characters) walks the newest WALK entries first. A term
#   with SEARCH_MAX_RESULTS + 1 matches among them is answered there. Otherwise their share
#   of matches decides: at WALK_ON_SHARE or more, walking on checks about (matches wanted)
#   / share texts; below it the bigram index names exactly the entries with the term (no
#   text to check but those too large for their vector: news.search.pieces_match), share × archive.
FIRST_MONTHS = 2
GROWTH = 8
# Past this many months back, only months holding an entry are asked for (a date typed 1025).
MONTHS_LISTED = 240
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


def _month_start(moment):
    """The first instant of a time's month in UTC, as the grams' months are counted (news.search.month_of)."""
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _months(newest, oldest):
    """The starts of the months from `newest`'s back to `oldest`'s (None: to year 1), newest first."""
    month = _month_start(newest)
    while oldest is None or month >= _month_start(oldest):
        yield month
        if (month.year, month.month) == (1, 1):  # none before: a date typed 0001 must not fail a search
            return
        month = _month_start(month - timedelta(days=1))


class _InMonths(Expression):
    """
    A line's grams hold every trigram of a key within one of some months: one bitmap scan
    of the grams index per month, OR-ed by the planner (one tsquery OR-ing the months made
    GIN test each line against the whole expression: 1.5 s, not 0.1 s, for five years). Or
    the line has no grams (news.search.LONG_LINE): a partial index names those of the span.
    """

    output_field = BooleanField()

    def __init__(self, key, months):
        super().__init__()
        self.tsqueries = [grams_tsquery(key, month_of(month)) for month in months]
        self.span = (min(months), _month_start(max(months) + timedelta(days=32)))

    def as_sql(self, compiler, connection):
        # The expressions of the grams index and of the long lines' (news migration 0019),
        # on the lines' table as this query names it (U0 in a subquery).
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        grams = f"news_search_line_grams({table}.key, {table}.published_at)"
        holds = [f"{grams} @@ %s::tsquery"] * len(self.tsqueries)
        long = f"(char_length({table}.key) > {LONG_LINE} AND {table}.published_at >= %s AND {table}.published_at < %s)"
        return "(" + " OR ".join([*holds, long]) + ")", [*self.tsqueries, *self.span]


class _AmongIds(Expression):
    """`column = ANY(ARRAY(subquery))`: the subquery runs once, before the rest (an InitPlan)."""

    output_field = BooleanField()

    def __init__(self, column, ids):
        super().__init__()
        self.column, self.ids = column, ids

    def get_source_expressions(self):
        return [self.column, self.ids]

    def set_source_expressions(self, expressions):
        self.column, self.ids = expressions

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        ids, ids_params = compiler.compile(self.ids)
        return f"{column} = ANY(ARRAY{ids})", [*column_params, *ids_params]


def _lines_in(key, months):
    """Lines of `months` whose key holds `key`."""
    return ArticleSearchLine.objects.filter(_InMonths(key, months), key__contains=key)


def _with_lines_in(entries, key, months, now):
    """
    `entries` with lines of `months`, published by `now`, whose key holds `key`. The lines'
    entry ids are found first, once (`= ANY(ARRAY(…))`: an InitPlan): as a join or `IN`,
    the planner would rather walk the entries newest first and check each one's lines (the
    whole archive when the matches are few: 3 s at 100,000 articles).
    """
    lines = _lines_in(key, months).filter(published_at__lte=now).values("entry_id").distinct()
    return entries.filter(_AmongIds(F("article_id"), Subquery(lines)))


def _through_months(query, category_ids, limit, started):
    """
    Runs of months, newest first, each one query, until `limit` matches are found or no
    month is left. The first run also tells how far back the archive goes.
    """
    entries = _searched(category_ids)
    now = timezone.now()
    key = search_key(query)
    months = _months(now, None)
    run = list(islice(months, FIRST_MONTHS))
    oldest = Subquery(entries.order_by("published_at").values("published_at")[:1])
    rows = _newest_first(_with_lines_in(entries, key, run, now)).annotate(in_title=_in_title(query), oldest=oldest)
    rows = list(rows.values_list("article_id", "published_at", "in_title", "oldest")[:limit])
    found = [row[:3] for row in rows]
    oldest = rows[0][3] if rows else entries.order_by("published_at").values_list("published_at", flat=True).first()
    months = [] if oldest is None else list(takewhile(lambda month: month >= _month_start(oldest), months))
    if len(months) > MONTHS_LISTED:
        months = _holding_entries(entries, months)
    covered = len(run)
    while len(found) < limit and months:
        _within_the_time_left(started)
        # As many months as the matches still wanted take at the share found so far, half
        # as many again; at most GROWTH times what was covered. No match yet: the rest.
        size = int(min(1.5 * (limit - len(found)) * covered / len(found), GROWTH * covered)) if found else len(months)
        run, months = months[: max(1, size)], months[max(1, size) :]
        found += _rows(_with_lines_in(entries, key, run, now), query, limit - len(found))
        covered += len(run)
    return found


def _holding_entries(entries, months):
    """Of `months` (starts of UTC months, newest first), those in which one of `entries` was published."""
    held = entries.annotate(month=TruncMonth("published_at", tzinfo=UTC)).order_by().values_list("month", flat=True)
    held = set(held.distinct())
    return [month for month in months if month in held]


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
        older = older.filter(pieces_match(query))
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
            # A safety net for the whole search (its runs each get what is left): no search
            # should come near it, but a worker is never held for longer. And no parallel
            # workers: a search's queries read a few pages each, and starting two workers
            # cost more (6 ms) than the scans they shared.
            cursor.execute(
                "SET LOCAL statement_timeout = %s; SET LOCAL max_parallel_workers_per_gather = 0", [SEARCH_TIMEOUT_MS]
            )
            started = time.monotonic()
            if grams_servable(query):
                return _through_months(query, category_ids, limit, started)
            return _walking(query, scope, limit, started)
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            raise SearchTooSlow from error
        raise


def search_name(*parts):
    """A name for a search: queries are any text up to 100 characters."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def ranked_matches(query, category_ids=None):
    """(article ids, more): the newest SEARCH_MAX_RESULTS matches, title matches first, then newer."""

    def build():
        candidates = _candidates(query, category_ids)
        ranked = sorted(candidates[:SEARCH_MAX_RESULTS], key=lambda c: (c[2], c[1], c[0]), reverse=True)
        return [c[0] for c in ranked], len(candidates) > SEARCH_MAX_RESULTS

    ranking = caching.Cached(f"search:{search_name(query, sorted(category_ids or ()))}", build, caching.object_seconds)
    return caching.get_one(ranking)
