from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse


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


class UpdateRule(models.TextChoices):
    """How often a 栏目 must get a new article (政府网站与政务新媒体检查指标)."""

    TWO_WEEKS = "2w", "两周"
    SIX_MONTHS = "6m", "六个月"
    ONE_YEAR = "1y", "一年"
    NONE = "none", "不要求（归档栏目）"


SIX_MONTH_WORDS = ("通知", "公告", "政策", "法规")
TWO_WEEK_WORDS = ("动态", "要闻", "新闻", "快讯", "资讯")


def default_update_rule(name, *, top_level, show_in_nav):
    """
    The indicators' default for a new 栏目: 通知公告 and 政策法规 six months; the home page's
    栏目 (first-level 栏目 in the navigation, news.selectors.listings.home_blocks) and
    news-type ones two weeks; the rest a year. (Migration 0011 applied the same to existing ones.)
    """
    if any(word in name for word in SIX_MONTH_WORDS):
        return UpdateRule.SIX_MONTHS
    if (top_level and show_in_nav) or any(word in name for word in TWO_WEEK_WORDS):
        return UpdateRule.TWO_WEEKS
    return UpdateRule.ONE_YEAR


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
    shown_page = models.ForeignKey(
        "Page",
        verbose_name="栏目显示单页",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shown_by",
        help_text="选择后，这个栏目显示这篇单页（已发布时），而不是文章列表，例如“机构职能”。",
    )
    update_rule = models.CharField(
        "更新要求",
        max_length=4,
        choices=UpdateRule.choices,
        default=UpdateRule.ONE_YEAR,
        help_text="检查指标：首页栏目和动态、要闻类栏目两周内须有更新，通知公告、政策法规类栏目六个月，"
        "其他栏目一年；归档栏目可选“不要求”。一级栏目的更新包括其子栏目的文章。",
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "栏目"
        verbose_name_plural = "栏目"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("news:category", args=[self.slug])

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
