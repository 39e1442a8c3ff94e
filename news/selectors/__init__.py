"""
What the public pages show, fetched in as few queries as the page budgets allow and in
ways that stay fast as the archive grows; each page's data is read from the cache in one
round trip (core.caching). One module per kind of page data.
"""

from .articles import ArticlePage, article_page
from .categories import CategoryEntry, CategoryTree, MenuItem, PageEntry, category_tree
from .listings import (
    PER_PAGE,
    CountedPaginator,
    category_listing,
    category_page,
    home_page,
    page_of,
    parse_page_number,
)
from .pages import single_page
from .parts import PagePart, add_article_part, add_home_part
from .search import SearchTooSlow, search_entries
from .search_pages import SearchResults, search_page
from .search_query import SearchQuery, parse_search_query, search_text

__all__ = [
    "PER_PAGE",
    "CountedPaginator",
    "PagePart",
    "ArticlePage",
    "CategoryEntry",
    "CategoryTree",
    "MenuItem",
    "PageEntry",
    "SearchQuery",
    "SearchResults",
    "SearchTooSlow",
    "add_article_part",
    "add_home_part",
    "article_page",
    "category_listing",
    "category_page",
    "category_tree",
    "home_page",
    "page_of",
    "parse_page_number",
    "parse_search_query",
    "search_entries",
    "search_page",
    "search_text",
    "single_page",
]
