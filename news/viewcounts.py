"""
Article view counts: each view adds one, exactly, even when N views arrive at once.
"""

from django.db.models import F

from .models import Article


def record_view(article_id):
    """Count one view of the article (an atomic UPDATE ... SET view_count = view_count + 1)."""
    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)
