from django.db import models
from django.db.models import Q
from django.utils import timezone

from review.rules import Status

from ..search import BigramVectorField, SearchKeyField, normalize

# Fields whose change the search entry must follow: its text, and the copy of what decides
# whether and where the article is listed.
SEARCHED_FIELDS = {"title", "subtitle", "source", "author", "body"}
LISTED_FIELDS = {"status", "published_at", "category", "category_id"}


class ArticleSearchEntryQuerySet(models.QuerySet):
    def public(self):
        """
        Entries of articles the public may see: Article.objects.published(), evaluated on
        the entry's copy of status and published_at so that search walks one table. The
        articles shown are fetched through published() again.
        """
        return self.filter(is_public=True, published_at__lte=timezone.now())


class ArticleSearchEntry(models.Model):
    """
    An article's text as 站内搜索 matches it (see news.search). A table of its own so that
    no page but the search loads it.
    """

    article = models.OneToOneField(
        "news.Article", on_delete=models.CASCADE, primary_key=True, related_name="search_entry", verbose_name="文章"
    )
    title = models.TextField("标题")
    text = models.TextField("全文")
    vector = BigramVectorField(source="text")
    key = SearchKeyField("检索键", source="text")  # text with its punctuation swapped for letters
    # Copies of the article's, so that search can walk the newest entries of one table.
    is_public = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True)  # none for an article never published
    category = models.ForeignKey("news.Category", verbose_name="栏目", on_delete=models.CASCADE, related_name="+")

    objects = ArticleSearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "搜索索引"
        verbose_name_plural = "搜索索引"
        indexes = [
            models.Index(fields=["-published_at"], condition=Q(is_public=True), name="news_search_public_idx"),
            models.Index(
                fields=["category", "-published_at"], condition=Q(is_public=True), name="news_search_category_idx"
            ),
        ]

    def __str__(self):
        return self.title

    @staticmethod
    def listing_fields_for(article):
        return {
            "is_public": article.status == Status.PUBLISHED,
            "published_at": article.published_at,
            "category_id": article.category_id,
        }

    @classmethod
    def fields_for(cls, article):
        title = normalize(article.full_title)
        rest = [normalize(value) for value in (article.source, article.author, article.body_text)]
        return {"title": title, "text": "\n".join([title, *rest]), **cls.listing_fields_for(article)}


class ArticleSearchLine(models.Model):
    """
    One line of an entry's search key (a field, or a paragraph of the body), with the
    entry's publication time: the trigram index on these serves queries of three characters
    or more (news.selectors.search). A query never spans lines, and within one line of some
    240 characters the pieces of a long query rarely occur apart, as they do within a whole
    article built of common phrases. PostgreSQL keeps the lines from the entry itself, by
    a trigger, on every write path (news migration 0018), and indexes their trigrams by
    month of publication (migration 0019); elsewhere the table stays empty.
    """

    entry = models.ForeignKey(
        ArticleSearchEntry,
        on_delete=models.DO_NOTHING,  # the database deletes the lines with their entry
        db_constraint=False,
        related_name="+",
        verbose_name="搜索索引",
    )
    published_at = models.DateTimeField("发布时间", null=True)
    key = models.TextField("检索键")

    class Meta:
        verbose_name = "搜索索引行"
        verbose_name_plural = "搜索索引行"

    def __str__(self):
        return self.key[:30]
