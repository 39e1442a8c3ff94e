"""Articles: the model, its review rules, its publication time, its summary and search entry."""

import reversion
from ckeditor.fields import RichTextField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from review.models import ReviewedContent
from review.rules import ReviewRules

from ..images import apply_cover_policy
from ..sanitize import html_to_text, sanitize_html
from ..wordcheck import publication_refusal
from .article_fields import (
    SUMMARY_MAX_LENGTH,
    cover_upload_to,
    has_content,
    summary_of,
    validate_external_url,
    validate_plausible_year,
)
from .article_publication import PublicationTime
from .article_queries import ADMIN_LIST_ORDER, BODY_MAY_LINK, ArticleQuerySet
from .categories import Category
from .search_entries import LISTED_FIELDS, SEARCHED_FIELDS, ArticleSearchEntry


# Its versions follow its attachments (the attachments app registers them): restoring a
# version brings back the attachments it had, renamed or deleted ones included.
@reversion.register(follow=("attachments",))
class Article(PublicationTime, ReviewedContent):
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

    review_rules = ReviewRules(
        publish_permission="news.publish_article",
        reviewer_fields=("is_pinned", "pinned_until", "is_headline", "responsible_editor"),
        reviewer_fields_label="置顶、头条和责任编辑",
        submitter_field="responsible_editor",
        publication_check=publication_refusal,
    )

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
        "发布时间",
        null=True,
        blank=True,
        validators=[validate_plausible_year],
        help_text="勾选“定时发布”时使用：设为将来的时间，文章将在那时自动公开。",
    )
    is_scheduled = models.BooleanField(
        "定时发布",
        default=False,
        help_text="不勾选：发布时自动使用发布的时刻。勾选：按下面的发布时间公开（将来的时间到时自动公开；"
        "过去的时间用于补录旧文章）。",
    )
    # A reprint that lives on another site (人民网, 共产党员网): lists link straight to it, and
    # the article has no body and no page of its own (its address redirects there).
    external_url = models.CharField(
        "外部链接",
        max_length=500,
        blank=True,
        validators=[validate_external_url],
        help_text="转载其他网站的文章时填写原文网址（以 http:// 或 https:// 开头）：标题直接链接到该网址，"
        "本文不再有正文和本站页面。",
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
    # Shown at the end of the article. Every submission for review sets it to the
    # submitter's name (review.rules.note_submission); reviewers may change it.
    responsible_editor = models.CharField(
        "责任编辑",
        max_length=50,
        blank=True,
        help_text="提交审核时自动填写提交人的姓名；审核发布人员可以修改。留空则不显示。",
    )
    is_pinned = models.BooleanField("置顶", default=False)
    pinned_until = models.DateTimeField(
        "置顶截止时间", null=True, blank=True, validators=[validate_plausible_year], help_text="留空表示一直置顶。"
    )
    is_headline = models.BooleanField("头条", default=False, help_text="头条文章显示在首页的轮播中。")
    view_count = models.PositiveIntegerField("浏览次数", default=0, editable=False)
    # The serious 错敏词 (their wrong forms, one a line) a reviewer confirmed with 「已核对错敏词」:
    # they no longer stop publication (news.wordcheck).
    wording_confirmed = models.TextField("已核对的错敏词", blank=True, default="", db_default="", editable=False)
    # Where an article that did not start in the admin came from (a page of the old site,
    # the demo content), so that loading it again updates it instead of adding a copy.
    external_key = models.CharField("外部来源标识", max_length=80, unique=True, null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta(ReviewedContent.Meta):
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
            # The times it orders by are kept in it too, so that a year's count (发布年份,
            # which also asks for a publication time) is read from the index alone.
            models.Index(*ADMIN_LIST_ORDER, include=["published_at", "created_at"], name="news_article_admin_idx"),
            models.Index(F("status"), *ADMIN_LIST_ORDER, name="news_article_status_idx"),
            models.Index(F("category"), *ADMIN_LIST_ORDER, name="news_article_admin_cat_idx"),
            # 信息发布统计 (reports.statistics): a year's publications per 栏目 and month, and per
            # editor, read from the index alone (index-only scans on PostgreSQL).
            models.Index(
                fields=["published_at"],
                include=["category", "created_by"],
                condition=Q(status="published"),
                name="news_article_stats_pub_idx",
            ),
            models.Index(fields=["created_at"], include=["created_by"], name="news_article_stats_new_idx"),
            # The bodies the compliance check reads for links (reports.content_scan): found
            # without reading the other bodies.
            models.Index(fields=["id"], condition=BODY_MAY_LINK, name="news_article_links_idx"),
        ]
        constraints = [
            *ReviewedContent.Meta.constraints,
            # A published article has a time; so has a scheduled one.
            models.CheckConstraint(
                condition=Q(published_at__isnull=False) | (~Q(status="published") & Q(is_scheduled=False)),
                name="news_article_published_at_set",
                violation_error_message="已发布或定时发布的文章必须有发布时间。",
            ),
            # validate_external_url's rule, in the database too: nothing reaches the lists'
            # links with another scheme, whatever wrote it.
            models.CheckConstraint(
                condition=Q(external_url="")
                | Q(external_url__istartswith="http://")
                | Q(external_url__istartswith="https://"),
                name="news_article_external_url_http",
                violation_error_code="external_url_scheme",
                violation_error_message="外部链接必须以 http:// 或 https:// 开头。",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        apply_cover_policy(self)  # a cover set without a form follows the policy too
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
        return reverse("news:article", args=[self.pk])

    def clean(self):
        # In the admin's form: a refused cover is an error on the cover field.
        apply_cover_policy(self)
        if self.external_url and has_content(sanitize_html(self.body)):
            # Its body would be shown nowhere (the article's address leads to the other site):
            # the editor decides which of the two the article is.
            raise ValidationError(
                {
                    "body": ValidationError(
                        "填写了外部链接的文章没有正文：请清空正文，或删除外部链接。", code="external_with_body"
                    )
                }
            )

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # The body as saved, for summary_follows_body() (not known when it was deferred).
        if "body" not in article.get_deferred_fields():
            article._saved_body = article.body
        return article

    def _sync_search_entry(self, update_fields):
        """Keep the search entry in step (QuerySet.update() bypasses this: use save())."""
        changed = set(update_fields) if update_fields is not None else None
        if changed is None or changed & SEARCHED_FIELDS:
            ArticleSearchEntry(article=self, **ArticleSearchEntry.fields_for(self)).save()
        elif changed & LISTED_FIELDS:
            ArticleSearchEntry.objects.filter(article=self).update(**ArticleSearchEntry.listing_fields_for(self))

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
    def is_external(self):
        return bool(self.external_url)

    @property
    def public_url(self):
        """Where residents reading a list go: the other site's page for a 外链 article, else its own."""
        return self.external_url or self.get_absolute_url()

    @property
    def body_text(self):
        return html_to_text(self.body)

    @property
    def full_title(self):
        return f"{self.title} {self.subtitle}".strip()
