import uuid

import reversion
from ckeditor.fields import RichTextField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator

from wuda_portal.reverse import reverse_one

from .images import clean_image
from .sanitize import html_to_text, sanitize_html
from .search import BigramVectorField, normalize

SUMMARY_LENGTH = 120
# The longest summary an editor may write (it is the pages' meta description).
SUMMARY_MAX_LENGTH = 300
# The admin's list of articles: by publication time, an article never published by the time
# it was created, so that a new draft comes first and an old one does not stay on top.
ADMIN_LIST_ORDER = (Coalesce("published_at", "created_at").desc(), F("id").desc())
# What a list of titles shows of each article (no bodies).
LISTING_FIELDS = (
    "id", "title", "subtitle", "published_at", "is_pinned", "pinned_until", "category_id",
    "category__id", "category__name", "category__slug",
)  # fmt: skip


class CategoryQuerySet(models.QuerySet):
    def in_tree_order(self):
        """Each first-level 栏目 followed by its sub-栏目, in their order, with the parents loaded (tree_label)."""
        return self.select_related("parent").order_by(
            Coalesce("parent__order", "order"),
            Coalesce("parent_id", "id"),
            F("parent_id").asc(nulls_first=True),
            "order",
            "id",
        )


class Category(models.Model):
    """A 栏目 of the site: a section of the navigation with its own list of articles."""

    name = models.CharField("名称", max_length=50)
    slug = models.SlugField(
        "网址名",
        max_length=60,
        unique=True,
        help_text="用于网址，只能使用英文字母、数字和连字符，例如 dangjian-dongtai。",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级栏目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="留空表示一级栏目。栏目最多两级。",
    )
    order = models.PositiveIntegerField("排序", default=0, help_text="数字小的排在前面。")
    show_in_nav = models.BooleanField("显示在导航栏", default=True)
    description = models.TextField("栏目简介", blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "栏目"
        verbose_name_plural = "栏目"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("news:category", self.slug)

    @property
    def tree_label(self):
        """Its place in the tree, as the admin names it: 基层党建 › 社区党建 (reads the parent)."""
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": ValidationError("栏目不能以自己为上级栏目。", code="self_parent")})
        if self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": ValidationError("栏目最多两级：请选择一个一级栏目作为上级。", code="too_deep")}
            )
        if self.pk and self.children.exists():
            raise ValidationError(
                {"parent": ValidationError("这个栏目下还有子栏目，不能再设为子栏目。", code="has_children")}
            )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """
        What the public may see: published, and not scheduled for later. The one
        definition every public page, feed, sitemap, search and download uses.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def pinned(self):
        """Articles pinned now (a pin with a `pinned_until` in the past has lapsed)."""
        return self.filter(Q(pinned_until__isnull=True) | Q(pinned_until__gt=timezone.now()), is_pinned=True)

    def not_pinned(self):
        return self.exclude(pk__in=self.pinned().values("pk"))

    def for_listing(self):
        """The columns a list of titles needs, without the bodies."""
        return self.select_related("category").only(*LISTING_FIELDS)

    def newest_first(self):
        return self.order_by("-published_at", "-id")


def cover_upload_to(instance, filename):
    """Covers are stored under a generated name; the uploader's name is not used."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"covers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


# Its versions follow its attachments (the attachments app registers them): restoring a
# version brings back the attachments it had, renamed or deleted ones included.
@reversion.register(follow=("attachments",))
class Article(models.Model):
    """
    A news article: written and reviewed in the admin, read by residents.

    Its publication time (`published_at`), which residents see and lists are ordered by:

    - 定时发布 off (`is_scheduled` false): the moment it is first published, by the form or
      the 发布 action, however long ago it was written or reviewed. Until then it has none.
    - 定时发布 on: the time set on purpose, in the future (it goes public then) or in the
      past (an old document entered later, an imported page).
    - Withdrawn and published again, it keeps the time it first went public, as Chinese
      government sites keep a document's date: a correction does not move it to the top
      of its 栏目 as news, nor change the date people cite. A new date takes 定时发布.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待审核"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    title = models.CharField("标题", max_length=200)
    subtitle = models.CharField(
        "副标题", max_length=200, blank=True, help_text="标题较长时的第二行，例如“推动基层社会治理见实效”。"
    )
    category = models.ForeignKey(Category, verbose_name="栏目", on_delete=models.PROTECT, related_name="articles")
    source = models.CharField("来源", max_length=100, blank=True)
    author = models.CharField("作者", max_length=100, blank=True)
    # When the article went (or goes) public, by the rules of the class docstring. Empty for
    # an article never published and not scheduled: its time is the moment it is published.
    published_at = models.DateTimeField(
        "发布时间", null=True, blank=True, help_text="勾选“定时发布”时使用：设为将来的时间，文章将在那时自动公开。"
    )
    is_scheduled = models.BooleanField(
        "定时发布",
        default=False,
        help_text="不勾选：发布时自动使用发布的时刻。勾选：按下面的发布时间公开（将来的时间到时自动公开；"
        "过去的时间用于补录旧文章）。",
    )
    body = RichTextField("正文", blank=True)
    summary = models.TextField(
        "摘要",
        max_length=SUMMARY_MAX_LENGTH,
        blank=True,
        help_text="不填写时自动取正文开头，并随正文更新；改写后以您写的为准，清空即恢复自动。",
    )
    cover = models.ImageField(
        "封面图片",
        upload_to=cover_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "gif", "webp"])],
        help_text="头条文章在首页轮播中显示封面图片。支持 JPG、PNG、GIF、WebP。",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_pinned = models.BooleanField("置顶", default=False)
    pinned_until = models.DateTimeField("置顶截止时间", null=True, blank=True, help_text="留空表示一直置顶。")
    is_headline = models.BooleanField("头条", default=False, help_text="头条文章显示在首页的轮播中。")
    view_count = models.PositiveIntegerField("浏览次数", default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Where an article that did not start in the admin came from (a page of the old site,
    # the demo content), so that loading it again updates it instead of adding a copy.
    external_key = models.CharField("外部来源标识", max_length=80, unique=True, null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "文章"
        verbose_name_plural = "文章"
        permissions = [("publish_article", "可以发布、撤回、置顶文章和设为头条")]
        indexes = [
            # The public lists: newest first, all of them or one 栏目's.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="news_article_public_idx",
            ),
            models.Index(
                fields=["category", "-published_at", "-id"],
                condition=Q(status="published"),
                name="news_article_category_idx",
            ),
            # Pinned articles and headlines: few rows, found without reading a whole 栏目.
            models.Index(
                fields=["category", "-published_at"],
                condition=Q(status="published", is_pinned=True),
                name="news_article_pinned_idx",
            ),
            models.Index(
                fields=["-published_at"],
                condition=Q(status="published", is_headline=True),
                name="news_article_headline_idx",
            ),
            # The admin's list in its order (ADMIN_LIST_ORDER): all of it, one state's, one
            # 栏目's; a page, and the newest matches of a search, are read without a sort.
            models.Index(*ADMIN_LIST_ORDER, name="news_article_admin_idx"),
            models.Index(F("status"), *ADMIN_LIST_ORDER, name="news_article_status_idx"),
            models.Index(F("category"), *ADMIN_LIST_ORDER, name="news_article_admin_cat_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published", "withdrawn"]),
                name="news_article_status_valid",
            ),
            # A published article has a time; so has a scheduled one.
            models.CheckConstraint(
                condition=Q(published_at__isnull=False) | (~Q(status="published") & Q(is_scheduled=False)),
                name="news_article_published_at_set",
                violation_error_message="已发布或定时发布的文章必须有发布时间。",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self._clean_new_cover()  # a cover set without a form follows the policy too
        self.body = sanitize_html(self.body)
        if self.summary_follows_body():
            self.summary = summary_of(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            # Published with no time set on purpose: it is dated the moment it is published.
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)
        self._saved_body = self.body
        self._sync_search_entry(kwargs.get("update_fields"))

    def get_absolute_url(self):
        # By id only: moving an article to another 栏目 breaks no link.
        return reverse_one("news:article", self.pk)

    def clean(self):
        # In the admin's form: a refused cover is an error on the cover field.
        self._clean_new_cover()

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # The body as saved, for summary_follows_body() (not known when it was deferred).
        if "body" not in article.get_deferred_fields():
            article._saved_body = article.body
        return article

    def validate_constraints(self, exclude=None):
        # An article being published without a time is given one when it is saved (save()):
        # the database holds that rule, and it is no reason to refuse a form.
        if self.status == self.Status.PUBLISHED and self.published_at is None and not self.is_scheduled:
            exclude = {*(exclude or ()), "published_at"}
        super().validate_constraints(exclude=exclude)

    def _sync_search_entry(self, update_fields):
        """Keep the search entry in step (QuerySet.update() bypasses this: use save())."""
        changed = set(update_fields) if update_fields is not None else None
        if changed is None or changed & SEARCHED_FIELDS:
            ArticleSearchEntry(article=self, **ArticleSearchEntry.fields_for(self)).save()
        elif changed & LISTED_FIELDS:
            ArticleSearchEntry.objects.filter(article=self).update(**ArticleSearchEntry.listing_fields_for(self))

    def _clean_new_cover(self):
        """
        A cover uploaded now is stored as the image policy makes it (news.images: EXIF and
        GPS dropped, re-encoded, the pixel limit), like an image in the body. Raises
        ValidationError on the cover, with nothing stored, when the policy refuses it.
        """
        # FieldFile._committed is how Django's own FileField.pre_save tells a new upload
        # from a stored file; tests/news/test_covers.py fails loudly if that changes.
        if not self.cover or self.cover._committed or getattr(self.cover.file, "image_policy_applied", False):
            return
        try:
            image = clean_image(self.cover.file)
        except ValidationError as refusal:
            raise ValidationError({"cover": refusal.error_list}) from None
        cleaned = ContentFile(image.content, name=f"cover.{image.extension}")
        cleaned.image_policy_applied = True
        self.cover = cleaned

    def summary_follows_body(self):
        """
        Whether the summary is the automatic one, which follows the body: it is empty, or
        it is still what the body as last saved gave (nobody wrote it). A summary written
        by an editor, in the admin or anywhere else, differs from that and is kept.
        """
        summary = self.summary.strip()
        if not summary:
            return True
        # An article loaded with its body, or saved by this instance, knows the body it was
        # saved with; for a new one that is its own body.
        saved_body = getattr(self, "_saved_body", None)
        return summary == summary_of(self.body if saved_body is None else saved_body)

    @property
    def body_text(self):
        return html_to_text(self.body)

    @property
    def full_title(self):
        return f"{self.title} {self.subtitle}".strip()

    # A published article not saved yet may lack its time (save() gives it): neither public
    # nor waiting then.

    @property
    def is_public(self):
        published = self.status == self.Status.PUBLISHED and self.published_at is not None
        return published and self.published_at <= timezone.now()

    @property
    def is_waiting_for_its_time(self):
        """Published, with a time that has not come yet (定时发布)."""
        published = self.status == self.Status.PUBLISHED and self.published_at is not None
        return published and self.published_at > timezone.now()

    @property
    def status_label(self):
        """The state as the admin shows it: a published article whose time has not come is 定时发布."""
        if not self.is_waiting_for_its_time:
            return self.get_status_display()
        local = timezone.localtime(self.published_at)
        when = local.strftime("%m-%d %H:%M" if local.year == timezone.localtime().year else "%Y-%m-%d %H:%M")
        return f"定时发布 {when}"

    @property
    def first_publication_time(self):
        """
        When the article first went public (None if it has not): the time it keeps when
        published again without 定时发布.
        """
        if self.published_at is None or not self.is_scheduled:
            return self.published_at  # without 定时发布, a time is only set by publishing
        went_public = self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN)
        return self.published_at if went_public and self.published_at <= timezone.now() else None

    @property
    def is_pinned_now(self):
        return self.is_pinned and (self.pinned_until is None or self.pinned_until > timezone.now())


def summary_of(body):
    """The automatic summary of a (sanitised) body: the start of its text, on one line."""
    return Truncator(html_to_text(body).replace("\n", " ").strip()).chars(SUMMARY_LENGTH)


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
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_entry", verbose_name="文章"
    )
    title = models.TextField("标题")
    text = models.TextField("全文")
    vector = BigramVectorField(source="text")
    # Copies of the article's, so that search can walk the newest entries of one table.
    is_public = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True)  # none for an article never published
    category = models.ForeignKey(Category, verbose_name="栏目", on_delete=models.CASCADE, related_name="+")

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
            "is_public": article.status == Article.Status.PUBLISHED,
            "published_at": article.published_at,
            "category_id": article.category_id,
        }

    @classmethod
    def fields_for(cls, article):
        title = normalize(article.full_title)
        rest = [normalize(value) for value in (article.source, article.author, article.body_text)]
        return {"title": title, "text": "\n".join([title, *rest]), **cls.listing_fields_for(article)}


class ViewCountBatch(models.Model):
    """A batch of view counts moved from Redis into the database (see news.viewcounts)."""

    name = models.CharField("批次", max_length=100, unique=True)
    applied_at = models.DateTimeField("写入时间", auto_now_add=True)

    class Meta:
        verbose_name = "浏览次数批次"
        verbose_name_plural = "浏览次数批次"

    def __str__(self):
        return self.name
