"""栏目, articles and single pages; the search index's table; the view counter's batches."""

from .article_fields import SUMMARY_LENGTH, SUMMARY_MAX_LENGTH, cover_upload_to, summary_of
from .article_queries import ADMIN_LIST_ORDER, LISTING_FIELDS
from .articles import Article
from .categories import Category, UpdateRule
from .pages import Page, pinyin_slug
from .rules import is_pinned_now, is_public, pinned_now, public
from .search_entries import ArticleSearchEntry, ArticleSearchLine
from .view_counts import ViewCountBatch

__all__ = [
    "ADMIN_LIST_ORDER",
    "LISTING_FIELDS",
    "SUMMARY_LENGTH",
    "SUMMARY_MAX_LENGTH",
    "Article",
    "ArticleSearchEntry",
    "ArticleSearchLine",
    "Category",
    "Page",
    "UpdateRule",
    "cover_upload_to",
    "ViewCountBatch",
    "is_pinned_now",
    "is_public",
    "pinned_now",
    "pinyin_slug",
    "public",
    "summary_of",
]
