"""
What the review rule works on: the states of reviewed content (`Status`), the fields every
reviewed model has (`ReviewedContent`), and the review record (审核记录) of every reviewed
object: each submission, return, publication, withdrawal and confirmation, with who, when
and the comment.

The record is not part of an object's versions (django-reversion does not follow it):
restoring an old version brings back the content, never an older record. Rows are written
through review.records.record() and never changed.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class ReviewedContent(models.Model):
    """
    The fields of every reviewed model (articles, single pages, topics): its state in the
    review rule, and when and by whom it was created and last changed, which is what the
    workbench lists it by. A subclass names its `review_rules` (review.rules.ReviewRules);
    one that declares its own Meta inherits this one's (`class Meta(ReviewedContent.Meta)`)
    and lists `*ReviewedContent.Meta.constraints` among its own constraints.
    """

    Status = Status  # 草稿, 待审核, 已发布, 已撤回

    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
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

    class Meta:
        abstract = True
        constraints = [
            # Named per model: news_article_status_valid, news_page_status_valid, ...
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]


class ReviewRecord(models.Model):
    class Action(models.TextChoices):
        SUBMITTED = "submitted", "提交审核"
        RETURNED = "returned", "退回修改"
        PUBLISHED = "published", "发布"
        WITHDRAWN = "withdrawn", "撤回"
        # A reviewer confirmed something a check asked them to look at (the comment says what,
        # e.g. 「已核对错敏词」).
        CONFIRMED = "confirmed", "核对确认"

    content_type = models.ForeignKey(ContentType, verbose_name="内容类型", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField("对象编号")
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name as it was, for a record whose user was deleted since.
    user_name = models.CharField("操作人姓名", max_length=150, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    comment = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        indexes = [
            # An object's records, newest first; its last one (the workbench, the form).
            models.Index(fields=["content_type", "object_id", "-at", "-id"], name="review_record_object_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["submitted", "returned", "published", "withdrawn", "confirmed"]),
                name="review_record_action_valid",
            ),
            # A return says why: the editor reads it on the workbench and the form.
            models.CheckConstraint(
                condition=~models.Q(action="returned") | ~models.Q(comment=""),
                name="review_record_return_has_comment",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}（{self.user_name or '—'}，{timezone.localtime(self.at):%Y-%m-%d %H:%M}）"
