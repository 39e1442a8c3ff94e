"""An article's page: the article, its attachments, and the articles before and after it."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from core import caching
from core.frame import SITE_FRAME

from ..models import Article
from ..presenters import ArticleLink, ShownArticle, ShownAttachment
from .categories import CATEGORY_TREE


@dataclass
class ArticlePage:
    """What an article's page shows besides the frame."""

    article: ShownArticle
    attachments: list  # of ShownAttachment
    previous: ArticleLink | None
    next: ArticleLink | None


def neighbours(article):
    """(previous, next): the older and the newer public article of the same 栏目."""
    same = (
        Article.objects.published()
        .filter(category_id=article.category_id)
        .only("id", "title", "subtitle", "external_url")
    )
    older = Q(published_at__lt=article.published_at) | Q(published_at=article.published_at, id__lt=article.pk)
    newer = Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, id__gt=article.pk)
    previous = same.filter(older).order_by("-published_at", "-id").first()
    following = same.filter(newer).order_by("published_at", "id").first()
    return previous, following


def _build(articles, pk):
    article = (
        articles.select_related("category", "category__parent").prefetch_related("attachments").filter(pk=pk).first()
    )
    if article is None:
        return None
    if article.published_at is None:
        # A preview of an article never published: as it would be if published now.
        article.published_at = timezone.now()
    previous, following = neighbours(article)
    return ArticlePage(
        ShownArticle.of(article),
        [ShownAttachment.of(attachment) for attachment in article.attachments.all()],
        ArticleLink.of(previous),
        ArticleLink.of(following),
    )


def _build_public(pk):
    data = _build(Article.objects.published(), pk)
    if data is None and not Article.objects.filter(pk=pk).exists():
        # "Nothing there" is kept for an article that exists (a draft, say), not for any
        # number someone puts in the address.
        return caching.Unkept()
    return data


def article_page(pk, *, preview=False):
    """
    (tree, ArticlePage or None) for the article `pk`. The public get published articles,
    from the cache, read with the frame and the 栏目 tree in one round trip; staff
    (preview=True) get any article, fresh from the database.
    """
    if preview:
        _, tree = caching.get(SITE_FRAME, CATEGORY_TREE)
        return tree, _build(Article.objects.all(), pk)
    page = caching.Cached(f"article:{pk}", lambda: _build_public(pk), caching.object_seconds)
    _, tree, data = caching.get(SITE_FRAME, CATEGORY_TREE, page)
    return tree, data
