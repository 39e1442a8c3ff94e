"""
Two rules, each written once as a condition the database evaluates and once, beside it,
for an article in memory (tests/news/test_models.py holds each pair together).
"""

from django.db.models import Q
from django.utils import timezone


def public():
    """What the public may see: published, and not scheduled for later."""
    return Q(status="published", published_at__lte=timezone.now())


def is_public(article):
    # A published article not saved yet may lack its time (save() gives it): not public yet.
    published = article.status == "published" and article.published_at is not None
    return published and article.published_at <= timezone.now()


def pinned_now():
    """Pinned now: a pin with a `pinned_until` in the past has lapsed."""
    return Q(is_pinned=True) & (Q(pinned_until__isnull=True) | Q(pinned_until__gt=timezone.now()))


def is_pinned_now(article):
    return article.is_pinned and (article.pinned_until is None or article.pinned_until > timezone.now())
