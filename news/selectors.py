"""
What the public pages show, fetched in as few queries as the page budgets allow and in
ways that stay fast as the archive grows (no scan or sort of a whole 栏目).
"""

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import EmptyPage, InvalidPage
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber, StrIndex
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from psycopg2.errors import QueryCanceled

from wuda_portal.cache import cached_for_content, object_cached
from wuda_portal.reverse import reverse_one

from .highlight import highlight, snippet
from .models import LISTING_FIELDS, Article, ArticleSearchEntry, Category
from .search import MAX_QUERY_LENGTH, needs_recheck, normalize_query, tsquery_literal
from .templatetags.news import rich_text

PER_PAGE = 20
# Search ranks at most this many of the newest matches (see search_page).
SEARCH_MAX_RESULTS = 500
SEARCH_TIMEOUT_MS = 3000
HOME_BLOCK_SIZE = 8
HEADLINE_COUNT = 5


# --- 栏目 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryEntry:
    """A 栏目 as the pages show it: plain data, cheap to cache and to load from the cache."""

    pk: int
    name: str
    slug: str
    parent_id: int | None
    show_in_nav: bool
    description: str

    def get_absolute_url(self):
        return reverse_one("news:category", self.slug)


@dataclass
class CategoryTree:
    """All 栏目 with their places in the two-level tree (one query, cached per content version)."""

    categories: list

    @cached_property
    def by_slug(self):
        return {c.slug: c for c in self.categories}

    @cached_property
    def by_id(self):
        return {c.pk: c for c in self.categories}

    @cached_property
    def children(self):
        children = {c.pk: [] for c in self.categories}
        for c in self.categories:
            if c.parent_id in children:
                children[c.parent_id].append(c)
        return children

    @cached_property
    def top_level(self):
        return [c for c in self.categories if c.parent_id is None]

    @cached_property
    def navigation(self):
        return [c for c in self.top_level if c.show_in_nav]

    @cached_property
    def outline(self):
        """[(first-level 栏目, [its sub-栏目])], in order."""
        return [(c, self.children[c.pk]) for c in self.top_level]

    def parent_of(self, category):
        return self.by_id.get(category.parent_id)

    def family_ids(self, category):
        """The ids of `category` and its sub-栏目: a 栏目's list shows both."""
        return [category.pk, *(c.pk for c in self.children.get(category.pk, []))]

    def __getstate__(self):
        # Cache only the list; the lookups are rebuilt on demand.
        return {"categories": self.categories}


CATEGORY_TREE = "category-tree"


def _load_category_tree():
    fields = ("pk", "name", "slug", "parent_id", "show_in_nav", "description")
    return CategoryTree([CategoryEntry(*row) for row in Category.objects.values_list(*fields)])


def category_tree(*, fresh=False):
    """The 栏目 tree, from the cache while the content is unchanged (`fresh`: from the database)."""
    return _load_category_tree() if fresh else cached_for_content(CATEGORY_TREE, _load_category_tree)


# --- Lists ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedArticle:
    """
    An article as a list shows it, worked out once when the list is built: lists come
    from the object cache, and plain data is cheaper to keep and to show than models.
    """

    pk: int
    title: str
    subtitle: str
    url: str
    published_at: object
    date: str  # YYYY-MM-DD in the site's time zone
    is_pinned_now: bool

    @classmethod
    def of(cls, article):
        return cls(
            pk=article.pk,
            title=article.title,
            subtitle=article.subtitle,
            url=article.get_absolute_url(),
            published_at=article.published_at,
            date=timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
            is_pinned_now=article.is_pinned_now,
        )

    def get_absolute_url(self):
        return self.url


def pinned_first(pinned, newest, size):
    """Merge a 栏目's pinned articles and its newest ones into one list of `size`."""
    seen = set()
    merged = []
    for article in [*pinned, *newest]:
        if article.pk not in seen:
            seen.add(article.pk)
            merged.append(article)
    return merged[:size]


def headlines():
    """头条 with covers for the home page's slideshow."""
    return list(
        Article.objects.published()
        .filter(is_headline=True)
        .exclude(cover="")
        .select_related("category")
        .only(*LISTING_FIELDS, "cover", "summary")
        .newest_first()[:HEADLINE_COUNT]
    )


def home_blocks(tree, size=HOME_BLOCK_SIZE):
    """
    For each navigation 栏目, its latest `size` articles (its sub-栏目's included), pinned
    first: [(category, [articles])]. One query whatever the number of 栏目.
    """
    blocks = tree.navigation
    if not blocks:
        return []
    block_of = {}
    for category in blocks:
        for pk in tree.family_ids(category):
            block_of[pk] = category.pk
    listing = Article.objects.published().for_listing()
    if connection.features.supports_slicing_ordering_in_compound:
        # One indexed, limited scan per 栏目 (newest, and pinned), glued with UNION ALL:
        # the cost does not grow with the archive.
        parts = []
        for pk in block_of:
            parts.append(listing.filter(category_id=pk).newest_first()[:size])
            parts.append(listing.pinned().filter(category_id=pk).newest_first()[:size])
        rows = list(parts[0].union(*parts[1:], all=True))
    else:
        # SQLite cannot limit the parts of a UNION; a window function does the same there.
        now = timezone.now()
        pin_now = Case(
            When(Q(is_pinned=True) & (Q(pinned_until__isnull=True) | Q(pinned_until__gt=now)), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        rows = list(
            listing.filter(category_id__in=list(block_of))
            .annotate(
                block=Coalesce("category__parent_id", "category_id"),
                rank=Window(
                    RowNumber(),
                    partition_by=[Coalesce(F("category__parent_id"), F("category_id"))],
                    order_by=[pin_now.desc(), F("published_at").desc(), F("id").desc()],
                ),
            )
            .filter(rank__lte=size)
        )
    by_block = {category.pk: ([], []) for category in blocks}
    for article in rows:
        pinned, newest = by_block[block_of[article.category_id]]
        (pinned if article.is_pinned_now else newest).append(article)
    result = []
    for category in blocks:
        pinned, newest = by_block[category.pk]
        key = lambda a: (a.published_at, a.pk)  # noqa: E731
        merged = pinned_first(sorted(pinned, key=key, reverse=True), sorted(newest, key=key, reverse=True), size)
        result.append((category, [ListedArticle.of(article) for article in merged]))
    return result


@dataclass
class Page:
    """One page of a list with page numbers, in the shape templates need."""

    object_list: list
    number: int
    num_pages: int
    count: int
    per_page: int = PER_PAGE
    extra: dict = field(default_factory=dict)

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.num_pages

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1

    def has_other_pages(self):
        return self.num_pages > 1

    def page_range(self, around=2):
        """Page numbers to show, with None where numbers are left out."""
        shown = {1, self.num_pages, *range(self.number - around, self.number + around + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.num_pages)
        out = []
        for n in numbers:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


def parse_page_number(value):
    """
    The page number asked for; InvalidPage for anything but a positive integer written in
    ASCII digits. (str.isdigit() also accepts "²", "٣" and "３", which int() either refuses
    or reads as another spelling of a page that already has an address.)
    """
    if value in (None, ""):
        return 1
    if not _PAGE_NUMBER.fullmatch(str(value)):
        raise InvalidPage("页码无效")
    number = int(value)
    if number < 1:
        raise InvalidPage("页码无效")
    return number


def category_page(tree, category, page_number, per_page=PER_PAGE):
    """
    A page of a 栏目's list: pinned first, then newest.

    Pinned articles are few and come first; the rest is read from the (category,
    published_at) index from whichever end of the list is nearer the page, so the last
    page costs what the first does.
    """
    family = tree.family_ids(category)
    public = Article.objects.published().filter(category_id__in=family)
    pinned = list(public.pinned().for_listing().newest_first())
    pinned_ids = [a.pk for a in pinned]
    rest = public.exclude(pk__in=pinned_ids) if pinned_ids else public
    rest_count = rest.count()
    count = len(pinned) + rest_count
    num_pages = max(1, -(-count // per_page))
    if page_number > num_pages:
        raise EmptyPage("没有这一页")
    start = (page_number - 1) * per_page
    end = start + per_page
    on_page = pinned[start:end]
    rest_start = max(0, start - len(pinned))
    rest_end = max(0, end - len(pinned))
    if rest_end > rest_start:
        listing = rest.for_listing()
        if rest_start <= rest_count - rest_end:
            on_page += list(listing.newest_first()[rest_start:rest_end])
        else:
            # Nearer the end: read the oldest first and turn them round.
            from_end = max(0, rest_count - rest_end)
            take = min(rest_end, rest_count) - rest_start
            oldest = list(listing.order_by("published_at", "id")[from_end : from_end + take])
            on_page += oldest[::-1]
    return Page(
        object_list=[ListedArticle.of(article) for article in on_page],
        number=page_number,
        num_pages=num_pages,
        count=count,
        per_page=per_page,
    )


HOME = "home"


def article_cache_name(pk):
    return f"article:{pk}"


def home_content(tree):
    """(headlines, blocks) of the home page."""
    return object_cached(HOME, lambda: (headlines(), home_blocks(tree)))


SLUG_MAX_LENGTH = Category._meta.get_field("slug").max_length


def category_listing_cache_name(slug, page_number):
    # By slug, which the address gives before the 栏目 is looked up (the page's cache reads
    # go in one round trip); a slug too long to be a 栏目's is hashed to keep keys short.
    if len(slug) > SLUG_MAX_LENGTH:
        slug = hashlib.sha256(slug.encode()).hexdigest()
    return f"category:{slug}:{page_number}"


def category_listing(tree, category, page_number):
    """A page of a 栏目 (see category_page), from the object cache."""
    name = category_listing_cache_name(category.slug, page_number)
    return object_cached(name, lambda: category_page(tree, category, page_number))


@dataclass(frozen=True)
class ShownArticle:
    """
    An article as its page shows it, worked out once when the page data is built: the data
    comes from the object cache, and plain data is cheaper to load from it than models.
    """

    pk: int
    title: str
    subtitle: str
    full_title: str
    summary: str
    source: str
    author: str
    url: str
    category_id: int
    status: str
    status_label: str
    is_public: bool  # when the data was built (public data is rebuilt within seconds)
    published_at: object
    published_date: str  # in the site's time zone: 2024-05-01
    published_minute: str  # 2024-05-01 09:30
    published_iso: str  # 2024-05-01T09:30:00+08:00
    view_count: int
    cover_url: str
    safe_body: str  # sanitised, marked safe

    @classmethod
    def of(cls, article):
        local = timezone.localtime(article.published_at)
        return cls(
            pk=article.pk,
            title=article.title,
            subtitle=article.subtitle,
            full_title=article.full_title,
            summary=article.summary,
            source=article.source,
            author=article.author,
            url=article.get_absolute_url(),
            category_id=article.category_id,
            status=article.status,
            status_label=article.status_label,  # 定时发布 12-01 08:00 in a preview before its time
            is_public=article.is_public,
            published_at=article.published_at,
            published_date=local.strftime("%Y-%m-%d"),
            published_minute=local.strftime("%Y-%m-%d %H:%M"),
            published_iso=local.isoformat(),
            view_count=article.view_count,
            cover_url=article.cover.url if article.cover else "",
            # Sanitised again here, once for every time the page is shown from the cache
            # (see news.templatetags.news.rich_text).
            safe_body=rich_text(article.body),
        )

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class ShownAttachment:
    """An attachment as the article's 附件 list shows it."""

    url: str
    display_name: str
    type_label: str
    extension: str
    size: int
    size_label: str

    @classmethod
    def of(cls, attachment):
        return cls(
            url=attachment.get_absolute_url(),
            display_name=attachment.display_name,
            type_label=attachment.type_label,
            extension=attachment.extension,
            size=attachment.size,
            size_label=filesizeformat(attachment.size),
        )

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class ArticleLink:
    """上一篇 / 下一篇."""

    full_title: str
    url: str

    def get_absolute_url(self):
        return self.url


@dataclass
class ArticlePage:
    """What an article's page shows besides the frame."""

    article: ShownArticle
    attachments: list  # of ShownAttachment
    previous: ArticleLink | None
    next: ArticleLink | None


def _article_page(articles, pk):
    article = articles.prefetch_related("attachments").filter(pk=pk).first()
    if article is None:
        return False
    if article.published_at is None:
        # A preview of an article never published: as it would be if published now.
        article.published_at = timezone.now()
    previous, following = neighbours(article)
    return ArticlePage(
        ShownArticle.of(article),
        [ShownAttachment.of(attachment) for attachment in article.attachments.all()],
        previous and ArticleLink(previous.full_title, previous.get_absolute_url()),
        following and ArticleLink(following.full_title, following.get_absolute_url()),
    )


def article_page(pk, *, preview=False):
    """
    An article's page data, or None. The public get published articles, from the object
    cache; staff (preview=True) get any article, fresh from the database.
    """
    if preview:
        return _article_page(Article.objects.all(), pk) or None
    return object_cached(article_cache_name(pk), lambda: _article_page(Article.objects.published(), pk)) or None


def neighbours(article):
    """(previous, next): the older and the newer article of the same 栏目."""
    same = Article.objects.published().filter(category_id=article.category_id).only("id", "title", "subtitle")
    older = Q(published_at__lt=article.published_at) | Q(published_at=article.published_at, id__lt=article.pk)
    newer = Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, id__gt=article.pk)
    previous = same.filter(older).order_by("-published_at", "-id").first()
    following = same.filter(newer).order_by("published_at", "id").first()
    return previous, following


# --- Search -----------------------------------------------------------------------------


@dataclass
class SearchQuery:
    text: str  # as the visitor typed it (cut to the maximum length)
    normalized: str
    truncated: bool


def parse_search_query(raw):
    raw = (raw or "").replace("\x00", "").strip()
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


def search_matches(query, *, category_ids=None):
    """Published articles whose searchable text contains `query` (all of them; for checks)."""
    ids = search_entries(query, category_ids=category_ids).values("article_id")
    return Article.objects.published().filter(pk__in=ids)


@dataclass(frozen=True)
class Candidate:
    article_id: int
    published_at: object
    in_title: int


def _candidates(query, category_ids):
    """
    The newest SEARCH_MAX_RESULTS + 1 matches. Their number bounds the work: a term in most
    of the archive is answered by walking the newest entries (the search_public index) and
    stopping, a rare one by the bigram index; neither reads the whole archive.
    """
    in_title = Case(When(title__contains=query, then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = (
        search_entries(query, category_ids=category_ids)
        .annotate(in_title=in_title)
        .order_by("-published_at", "-article_id")
        .values_list("article_id", "published_at", "in_title")[: SEARCH_MAX_RESULTS + 1]
    )
    if connection.vendor != "postgresql":
        return [Candidate(*row) for row in rows]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # A query whose pieces are everywhere but which itself is rare can make the
            # database check many texts; give up politely instead of holding a worker.
            cursor.execute("SET LOCAL statement_timeout = %s", [SEARCH_TIMEOUT_MS])
            return [Candidate(*row) for row in rows]
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            raise SearchTooSlow from error
        raise


def _search_key(*parts):
    """A cache key part for a search: queries are any text up to 100 characters."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def ranked_matches(query, category_ids=None):
    """
    (article ids, more): the newest SEARCH_MAX_RESULTS matches, title matches first, then
    newer; `more` when there were more. Kept in the object cache, so a term people search
    for again costs one cache read, not one scan, until the content changes.
    """

    def build():
        candidates = _candidates(query, category_ids)
        ranked = sorted(
            candidates[:SEARCH_MAX_RESULTS], key=lambda c: (c.in_title, c.published_at, c.article_id), reverse=True
        )
        return [c.article_id for c in ranked], len(candidates) > SEARCH_MAX_RESULTS

    return object_cached(f"search:{_search_key(query, sorted(category_ids or ()))}", build)


@dataclass
class SearchResult:
    """A search result as the results page shows it: plain data, marked up once."""

    pk: int
    title: str
    url: str
    category_name: str
    date: str  # YYYY-MM-DD in the site's time zone
    title_html: str  # the title with the query marked, everything else escaped
    snippet_html: str

    @classmethod
    def of(cls, article, query):
        return cls(
            pk=article.pk,
            title=article.full_title,
            url=article.get_absolute_url(),
            category_name=article.category.name,
            date=timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
            title_html=highlight(article.full_title, query),
            snippet_html=snippet(article.body_text, query),
        )


def search_page_cache_name(query, page_number, category_slug=""):
    return f"search-page:{_search_key(query, category_slug, page_number)}"


def search_page(query, page_number, *, tree, category=None):
    """
    A page of search results (see ranked_matches), from the object cache like a page of a
    栏目; Page.extra["more"] says when there were more.
    """
    category_ids = tree.family_ids(category) if category else None
    name = search_page_cache_name(query, page_number, category.slug if category else "")
    return object_cached(name, lambda: _search_page(query, page_number, category_ids, PER_PAGE))


def _search_page(query, page_number, category_ids, per_page):
    ranked, more = ranked_matches(query, category_ids)
    count = len(ranked)
    num_pages = max(1, -(-count // per_page))
    if page_number > num_pages:
        raise EmptyPage("没有这一页")
    ids = ranked[(page_number - 1) * per_page : page_number * per_page]
    articles = Article.objects.published().filter(pk__in=ids).select_related("category")
    articles = articles.only(
        "id", "title", "subtitle", "body", "published_at", "source", "author", "category__name", "category__slug"
    )
    by_id = {article.pk: article for article in articles}
    return Page(
        object_list=[SearchResult.of(by_id[pk], query) for pk in ids if pk in by_id],
        number=page_number,
        num_pages=num_pages,
        count=count,
        per_page=per_page,
        extra={"more": more},
    )
