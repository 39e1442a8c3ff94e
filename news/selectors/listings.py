"""
Lists of titles: the home page's headlines and blocks, and a 栏目's pages. Each is a few
indexed queries whose cost does not grow with the archive (no scan or sort of a whole 栏目).
"""

from django.core.paginator import InvalidPage, Page, Paginator
from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from core import caching
from core.frame import SITE_FRAME
from core.pagecache import page_number

from ..models import LISTING_FIELDS, Article, pinned_now
from ..models import Page as SinglePage
from ..presenters import Headline, ListedArticle
from .categories import CATEGORY_TREE
from .pages import shown_page
from .parts import HOME_PARTS

PER_PAGE = 20
HOME_BLOCK_SIZE = 8
HEADLINE_COUNT = 5


class CountedPaginator(Paginator):
    """Django's paginator for one page of objects, the total counted by the caller."""

    def __init__(self, count, per_page=PER_PAGE):
        super().__init__((), per_page)
        self.count = count


def parse_page_number(value):
    """The page number asked for (core.pagecache.page_number's rule); InvalidPage for anything else."""
    if value in (None, ""):
        return 1
    number = int(page_number(str(value)))
    if number < 1:
        raise InvalidPage("页码无效")
    return number


def page_of(objects, number, count, per_page=PER_PAGE):
    """Page `number` of a list of `count` whose objects on that page are `objects`."""
    paginator = CountedPaginator(count, per_page)
    return Page(objects, paginator.validate_number(number), paginator)


# --- The home page ----------------------------------------------------------------------


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
    articles = (
        Article.objects.published()
        .filter(is_headline=True)
        .exclude(cover="")
        .select_related("category")
        .only(*LISTING_FIELDS, "cover", "summary")
        .newest_first()[:HEADLINE_COUNT]
    )
    return [Headline.of(article) for article in articles]


def home_blocks(tree, size=HOME_BLOCK_SIZE):
    """
    For each navigation 栏目, its latest `size` articles (its sub-栏目's included), pinned
    first: [(category, [ListedArticle])]. One query whatever the number of 栏目.
    """
    blocks = tree.navigation
    if not blocks:
        return []
    block_of = {pk: category.pk for category in blocks for pk in tree.family_ids(category)}
    listing = Article.objects.published().for_listing()
    if connection.features.supports_slicing_ordering_in_compound:
        # One indexed, limited scan per 栏目 (newest, and pinned), glued with UNION ALL.
        parts = []
        for pk in block_of:
            parts.append(listing.filter(category_id=pk).newest_first()[:size])
            parts.append(listing.pinned().filter(category_id=pk).newest_first()[:size])
        rows = list(parts[0].union(*parts[1:], all=True))
    else:
        # SQLite cannot limit the parts of a UNION; a window function does the same there.
        pin_now = Case(When(pinned_now(), then=Value(1)), default=Value(0), output_field=IntegerField())
        family = Coalesce(F("category__parent_id"), F("category_id"))
        rank = Window(
            RowNumber(), partition_by=[family], order_by=[pin_now.desc(), F("published_at").desc(), F("id").desc()]
        )
        rows = list(listing.filter(category_id__in=list(block_of)).annotate(rank=rank).filter(rank__lte=size))
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


def _build_home():
    return headlines(), home_blocks(caching.get_one(CATEGORY_TREE)), HOME_PARTS.build()


def home_page():
    """
    (tree, headlines, blocks, parts) of the home page, read with the site frame in one round
    trip; `parts` are what other apps add (parts.add_home_part), each a ShownPart.
    """
    home = caching.Cached("home", _build_home, caching.object_seconds)
    _, tree, (top, blocks, parts) = caching.get(SITE_FRAME, CATEGORY_TREE, home)
    return tree, top, blocks, parts


# --- A 栏目's pages ---------------------------------------------------------------------


def category_page(tree, category, number, per_page=PER_PAGE):
    """
    Page `number` of a 栏目's list (its sub-栏目's included): pinned first, then newest.

    Pinned articles are few and come first; the rest is read from the (category,
    published_at) index from whichever end of the list is nearer the page, so the last
    page costs what the first does.
    """
    public = Article.objects.published().filter(category_id__in=tree.family_ids(category))
    pinned = list(public.pinned().for_listing().newest_first())
    rest = public.exclude(pk__in=[a.pk for a in pinned]) if pinned else public
    rest_count = rest.count()
    paginator = CountedPaginator(len(pinned) + rest_count, per_page)
    number = paginator.validate_number(number)
    start, end = (number - 1) * per_page, number * per_page
    on_page = pinned[start:end]
    rest_start, rest_end = max(0, start - len(pinned)), max(0, end - len(pinned))
    if rest_end > rest_start:
        listing = rest.for_listing()
        if rest_start <= rest_count - rest_end:
            on_page += list(listing.newest_first()[rest_start:rest_end])
        else:
            # Nearer the end: read the oldest first and turn them round.
            from_end = max(0, rest_count - rest_end)
            take = min(rest_end, rest_count) - rest_start
            on_page += list(listing.order_by("published_at", "id")[from_end : from_end + take])[::-1]
    return Page([ListedArticle.of(article) for article in on_page], number, paginator)


def category_content(tree, category, number):
    """
    What a 栏目's page `number` shows: its list (a Page of ListedArticle), or, for a 栏目 set
    to show a published single page, that page (a ShownPage), which has one page only.
    """
    entry = tree.shown_page(category)
    if entry is None:
        return category_page(tree, category, number)
    if number != 1:
        raise InvalidPage("单页没有第二页")
    return shown_page(SinglePage.objects.published(), entry.slug)


def category_listing(slug, number):
    """
    (tree, category, content) of a 栏目's page `number` (category_content), or (tree, None,
    None) for no such 栏目; InvalidPage past its last page. Read with the frame and the tree
    in one round trip.
    """
    # Named by slug, which the address gives before the 栏目 is looked up.
    listing = caching.Cached(
        f"category:{caching.short_name(slug)}:{number}",
        lambda: category_content(tree, category, number),
        caching.object_seconds,
    )
    caching.read(SITE_FRAME, CATEGORY_TREE, listing)
    tree = caching.get_one(CATEGORY_TREE)
    category = tree.by_slug.get(slug)
    if category is None:
        return tree, None, None  # nothing kept for a 栏目 that does not exist
    return tree, category, caching.get_one(listing)
