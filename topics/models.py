import uuid

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from news.images import apply_image_policy
from news.models import Article
from news.wordcheck import publication_refusal
from review.models import ReviewedContent, Status
from review.rules import ReviewRules

# A banner is wide: at least this many times as wide as it is high (the pages show it at 4:1).
BANNER_MIN_RATIO = 2.5
DESCRIPTION_MAX_LENGTH = 300
PERIOD_MESSAGE = "结束日期不能早于开始日期。"
# Addresses under /topics/ that are not a topic's (topics.urls): a topic of that slug would
# never show its page there.
RESERVED_SLUGS = frozenset({"feed"})


class TopicQuerySet(models.QuerySet):
    def published(self):
        """
        What the public may see: published, and begun (a topic set to start later is not
        shown before its start date). Ended topics stay, as an archive.
        """
        return self.filter(status=Status.PUBLISHED, start_date__lte=timezone.localdate())

    def running(self):
        """Published topics whose period includes today."""
        today = timezone.localdate()
        return self.published().filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def banner_upload_to(instance, filename):
    """Banners are stored under a generated name; the uploader's name is not used."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"topics/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def check_banner_shape(image):
    if image.width < image.height * BANNER_MIN_RATIO:
        raise ValidationError(
            f"横幅图片应为宽幅：宽度至少为高度的 {BANNER_MIN_RATIO:g} 倍（这张是 {image.width}×{image.height} 像素），"
            "建议 1200×300 像素。",
            code="not_wide",
        )


# Its versions follow its sections and their articles: restoring a version brings them back.
@reversion.register(follow=("sections", "entries"))
class Topic(ReviewedContent):
    """
    A 专题: a campaign or theme that gathers articles from several 栏目 into sections under
    a banner, shown on the home page while it runs (its period includes today).
    """

    review_rules = ReviewRules(
        publish_permission="topics.publish_topic",
        reviewer_fields=("show_on_home", "order"),
        reviewer_fields_label="首页展示和专题顺序",
        publication_check=publication_refusal,
    )

    title = models.CharField("标题", max_length=100)
    slug = models.SlugField(
        "地址名称",
        max_length=60,
        unique=True,
        help_text="专题网址中的英文名称，例如 “jiceng-zhili”（网址为 /topics/jiceng-zhili/）。只能使用字母、数字、连字符和下划线。",
        error_messages={"unique": "已有专题使用这个地址名称，请换一个。"},
    )
    banner = models.ImageField(
        "横幅图片",
        upload_to=banner_upload_to,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "gif", "webp"])],
        help_text="宽幅图片，建议 1200×300 像素，宽度至少为高度的 2.5 倍。支持 JPG、PNG、GIF、WebP。",
    )
    description = models.TextField("简介", max_length=DESCRIPTION_MAX_LENGTH, help_text="一两句话，显示在横幅下方。")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True, help_text="留空表示长期开展。")
    show_on_home = models.BooleanField(
        "在首页展示", default=True, help_text="进行中的专题显示在首页头条下方（最多三个）。"
    )
    order = models.PositiveIntegerField("顺序", default=0, help_text="数字小的排在前面。")
    # The serious 错敏词 a reviewer confirmed (「已核对错敏词」), as on an article (news.wordcheck).
    wording_confirmed = models.TextField("已核对的错敏词", blank=True, default="", db_default="", editable=False)

    objects = TopicQuerySet.as_manager()

    class Meta(ReviewedContent.Meta):
        ordering = ["order", "-start_date", "-id"]
        verbose_name = "专题"
        verbose_name_plural = "专题"
        permissions = [("publish_topic", "可以发布、撤回专题和设置首页展示")]
        constraints = [
            *ReviewedContent.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="topics_topic_period_valid",
                violation_error_message=PERIOD_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        apply_image_policy(self, "banner", check_banner_shape)  # a banner set without a form too
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("topics:topic", args=[self.slug])

    def clean(self):
        # In the admin's form: a refused banner is an error on the banner field.
        apply_image_policy(self, "banner", check_banner_shape)
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = ValidationError(f"“{self.slug}”是网站保留的地址名称，请换一个。", code="reserved")
        if self.end_date is not None and self.start_date is not None and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(PERIOD_MESSAGE, code="period")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() reported a bad period on the end date already: not twice.
        if self.end_date is not None and self.start_date is not None and self.end_date < self.start_date:
            exclude = {*(exclude or ()), "end_date"}
        super().validate_constraints(exclude=exclude)


@reversion.register()
class TopicSection(models.Model):
    """A section of a topic (中央精神, 区委部署, 基层动态 ...): a list of articles chosen for it."""

    class Ordering(models.TextChoices):
        NEWEST = "newest", "最新的在前"
        MANUAL = "manual", "按手动排列的顺序"

    topic = models.ForeignKey(Topic, verbose_name="专题", on_delete=models.CASCADE, related_name="sections")
    title = models.CharField("名称", max_length=30)
    order = models.PositiveIntegerField("顺序", default=0)
    ordering = models.CharField("文章排列", max_length=10, choices=Ordering.choices, default=Ordering.NEWEST)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "专题栏目"
        verbose_name_plural = "专题栏目"
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "title"],
                name="topics_section_title_unique",
                violation_error_message="这个专题已有同名的栏目。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("topics:section", args=[self.topic.slug, self.pk])


class TopicArticleQuerySet(models.QuerySet):
    def accepted(self):
        """Entries a reviewer accepted into their section: a proposal still in review is not shown."""
        return self.filter(accepted_entries())


def accepted_entries(path=""):
    """
    The one rule for which entries a topic shows, as a Q over `path` (e.g. "topic_entries__"
    from an article): pass it in the same filter() as the other conditions on the entry, so
    that they apply to the same row.
    """
    return Q(**{f"{path}status": Status.PUBLISHED})


@reversion.register()
class TopicArticle(ReviewedContent):
    """
    An article in a topic's section. An article may be in several topics and sections.

    A row has its own review state, so that an 编辑 may propose an article for a section of
    a running topic without changing what is public: a proposal (专题文章推荐, made in its own
    admin list) is in review until a 审核发布 accepts it (publishes the row). A row made on
    the topic's own form is part of the topic and goes public with it: accepted from the start.
    """

    Status = Status
    review_rules = ReviewRules(publish_permission="topics.publish_topic")

    # The topic as well as the section: the topic's form edits these rows, and restoring a
    # topic's revision recognises them as its own (review.stored.belongs_to).
    topic = models.ForeignKey(Topic, verbose_name="专题", on_delete=models.CASCADE, related_name="entries")
    section = models.ForeignKey(TopicSection, verbose_name="专题栏目", on_delete=models.CASCADE, related_name="entries")
    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="topic_entries")
    order = models.PositiveIntegerField("顺序", default=0, help_text="栏目按手动顺序排列时使用，数字小的在前。")
    # Overrides of ReviewedContent's: a row made on the topic's form is accepted from the
    # start, and the one who made a proposal is its 推荐人.
    status = models.CharField(
        "状态",
        max_length=10,
        choices=Status.choices,
        default=Status.PUBLISHED,
        help_text="推荐的文章在审核发布人员发布（采用）后才显示在专题中。",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="推荐人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TopicArticleQuerySet.as_manager()

    class Meta(ReviewedContent.Meta):
        ordering = ["section__order", "order", "id"]
        verbose_name = "专题文章"
        verbose_name_plural = "专题文章"
        constraints = [
            models.UniqueConstraint(
                fields=["section", "article"],
                name="topics_article_once_per_section",
                violation_error_message="这篇文章已在这个专题栏目中。",
            ),
            *ReviewedContent.Meta.constraints,
        ]

    def __str__(self):
        return f"{self.topic} › {self.section}：{self.article}"

    def clean(self):
        if self.section_id is not None and self.topic_id is not None and self.section.topic_id != self.topic_id:
            raise ValidationError({"section": ValidationError("请选择本专题的栏目。", code="other_topic")})


def wording_fields(topic, body_text=None):
    """What the 错敏词 check reads of a topic (news.wordcheck): its title and 简介."""
    return [("标题", topic.title), ("简介", topic.description)]
