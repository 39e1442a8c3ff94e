"""The editors' admin of 栏目 and articles (registered on import, as Django's autodiscovery expects)."""

from .articles import ArticleAdmin, add_article_inline
from .categories import CategoryAdmin

__all__ = ["ArticleAdmin", "CategoryAdmin", "add_article_inline"]
