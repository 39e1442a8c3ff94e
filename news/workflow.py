"""
An article's part of the review rule (review.rules holds the rule itself, for every
reviewed model): its publication time, and pins, which only reviewers set.
"""

from django.core.exceptions import PermissionDenied

from review import rules

from .models import Article


def settle_publication_time(article, *, previous):
    """
    Apply Article's rules for the publication time to an article coming from the form (or a
    restored version): the time in the form counts only with 定时发布. Without it the article
    keeps the time it first went public, if it did; if not, it has none, and Article.save()
    dates it the moment it is published. `previous` is the stored article (None for a new one).
    """
    if not article.is_scheduled:
        article.published_at = previous.first_publication_time if previous is not None else None


def set_pinned(article, pinned, *, by):
    """Pin or unpin `article` on behalf of `by` (reviewers only)."""
    if not rules.can_publish(by, Article):
        raise PermissionDenied("只有审核发布人员可以设置置顶。")
    article.is_pinned = pinned
    if not pinned:
        article.pinned_until = None
    rules.save_with_history(
        article, by=by, message="置顶" if pinned else "取消置顶", fields=["is_pinned", "pinned_until"]
    )
