"""
The search page's data: a page of the ranked matches (news.selectors.search), the articles
shown on it, and on the first page the single pages whose title or text holds the query.
"""

from dataclasses import dataclass, field

from core import caching
from core.frame import SITE_FRAME

from ..models import Article
from ..presenters import PageResult, SearchResult
from ..search import normalize, normalize_query
from .categories import CATEGORY_TREE
from .listings import page_of
from .search import ranked_matches, search_name

# What a result shows of an article (news.presenters.SearchResult).
RESULT_FIELDS = ("id", "title", "subtitle", "body", "external_url", "summary", "published_at", "source", "author")
RESULT_FIELDS += ("category__name", "category__slug")


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
        f"search-page:{search_name(query, category_slug, number)}",
        lambda: _results_page(tree, query, number, tree.family_ids(category) if category else None),
        caching.object_seconds,
    )
    caching.read(SITE_FRAME, CATEGORY_TREE, *([results] if query else []))
    tree = caching.get_one(CATEGORY_TREE)
    category = tree.by_slug.get(category_slug)
    if not query or (category_slug and category is None):
        return tree, category, None  # nothing kept for a 栏目 that does not exist
    return tree, category, caching.get_one(results)
