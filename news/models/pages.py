import reversion
from ckeditor.fields import RichTextField
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from review.models import ReviewedContent, Status
from review.rules import ReviewRules

from ..sanitize import sanitize_html
from ..wordcheck import publication_refusal
from .categories import Category

SLUG_MAX_LENGTH = 80


class PageQuerySet(models.QuerySet):
    def published(self):
        """What the public may see of single pages: the published ones (a page has no schedule)."""
        return self.filter(status=Status.PUBLISHED)


def pinyin_slug(title, max_length=SLUG_MAX_LENGTH):
    """A slug suggested from a title: its pinyin, 联系我们 → lianxiwomen; other words kept apart (2024年 → 2024-nian)."""
    # Imported here: pypinyin's dictionaries are some 40 MB, which every app server worker
    # would carry for a suggestion only the admin's form makes.
    from pypinyin import lazy_pinyin

    spelled = "".join(lazy_pinyin(title or "", errors=lambda text: f" {text} "))
    return slugify(spelled)[:max_length].strip("-")


# Its versions follow its attachments (the attachments app registers them), as an article's.
@reversion.register(follow=("attachments",))
class Page(ReviewedContent):
    """
    A 单页: a standing page with no date (机构职能, 领导分工, 联系我们, 办事指南), written and
    reviewed in the admin like an article, at /pages/<slug>/. Where it shows besides its own
    address: the main navigation (with an order among the 栏目), the footer's link row, a
    栏目's sub-navigation (`category`), or in place of a 栏目's list (Category.shown_page).
    """

    review_rules = ReviewRules(publish_permission="news.publish_page", publication_check=publication_refusal)

    title = models.CharField("标题", max_length=100)
    slug = models.SlugField(
        "网址名",
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        error_messages={"unique": "已有单页使用这个网址名，请换一个。"},
        help_text="用于网址 /pages/网址名/，只能使用英文字母、数字和连字符。留空时按标题的拼音生成，"
        "例如“联系我们”生成 lianxiwomen。",
    )
    body = RichTextField("正文", blank=True)
    show_in_nav = models.BooleanField("显示在主导航", default=False)
    nav_order = models.PositiveIntegerField(
        "导航排序", default=0, help_text="与栏目的排序一起排列导航栏，数字小的排在前面。"
    )
    show_in_footer = models.BooleanField("显示在页脚链接", default=False)
    category = models.ForeignKey(
        Category,
        verbose_name="所属栏目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pages",
        help_text="选择后，单页显示在这个栏目的子导航中，当前位置为“首页 > 栏目 > 单页”。",
    )
    show_contacts = models.BooleanField(
        "显示联系方式",
        default=False,
        help_text="在正文后显示网站信息中的地址、邮编、电话和电子邮箱（与页脚同一来源，修改网站信息即随之更新）。",
    )
    # The serious 错敏词 a reviewer confirmed (「已核对错敏词」), as on an article (news.wordcheck).
    wording_confirmed = models.TextField("已核对的错敏词", blank=True, default="", db_default="", editable=False)

    objects = PageQuerySet.as_manager()

    class Meta(ReviewedContent.Meta):
        ordering = ["nav_order", "id"]
        verbose_name = "单页"
        verbose_name_plural = "单页"
        permissions = [("publish_page", "可以发布、撤回单页")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:page", args=[self.slug])

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED
