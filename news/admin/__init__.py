"""The editors' admin of 栏目, articles and single pages (registered on import, as Django's autodiscovery expects)."""

from .articles import ArticleAdmin, add_article_inline
from .categories import CategoryAdmin
from .pages import PageAdmin, add_page_inline

__all__ = ["ArticleAdmin", "CategoryAdmin", "PageAdmin", "add_article_inline", "add_page_inline"]
