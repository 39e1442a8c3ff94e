"""
How articles are read in bulk: the queryset behind Article.objects (the public ones, the
pinned ones, the columns of a list of titles, newest first), and the order and columns the
lists and the admin's list use (the indexes of Article.Meta follow ADMIN_LIST_ORDER).
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from .rules import pinned_now, public

# The admin's list of articles: by publication time, an article never published by the time
# it was created, so that a new draft comes first and an old one does not stay on top.
ADMIN_LIST_ORDER = (Coalesce("published_at", "created_at").desc(), F("id").desc())
# What a list of titles shows of each article (no bodies).
LISTING_FIELDS = (
    "id", "title", "subtitle", "published_at", "is_pinned", "pinned_until", "category_id", "external_url",
    "category__id", "category__name", "category__slug",
)  # fmt: skip

# A body that may link to something or show an image (an <a href> or <img src>): only these
# bodies are read for the compliance check's links (reports.content_scan), and an index
# (news_article_links_idx) names them, so that finding them reads no body.
BODY_MAY_LINK = Q(body__contains="href=") | Q(body__contains="src=")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """
        What the public may see (public()). The one definition every public page, feed,
        sitemap, search and download uses.
        """
        return self.filter(public())

    def pinned(self):
        """Articles pinned now (pinned_now())."""
        return self.filter(pinned_now())

    def for_listing(self):
        """The columns a list of titles needs, without the bodies."""
        return self.select_related("category").only(*LISTING_FIELDS)

    def may_link(self):
        """Articles whose body may hold a link or an image (BODY_MAY_LINK), found through its index."""
        return self.filter(BODY_MAY_LINK)

    def newest_first(self):
        return self.order_by("-published_at", "-id")
