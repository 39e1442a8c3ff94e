from django.core.validators import URLValidator
from django.db import models

# Friend links may only point at web pages: no javascript:, data: or ftp: addresses.
web_url_validator = URLValidator(schemes=["http", "https"], message="请输入以 http:// 或 https:// 开头的网址。")


class SiteProfile(models.Model):
    """
    The one record of what the site says about itself: its name and the footer lines.

    The defaults are what the old site's footer showed, so a new installation is right
    before anyone edits it.
    """

    site_name = models.CharField("站点名称", max_length=50, default="乌达党建")
    owner = models.CharField("版权所有", max_length=100, default="中共乌达区委组织部")
    icp_number = models.CharField("ICP 备案号", max_length=50, default="蒙ICP备16000679号-1")
    address = models.CharField("地址", max_length=200, default="内蒙古乌海市乌达区行政中心", blank=True)
    postcode = models.CharField("邮编", max_length=10, default="016040", blank=True)
    phone = models.CharField("电话", max_length=50, default="0473-3666882", blank=True)
    email = models.EmailField("电子邮箱", default="wdqwzzb2007@163.com", blank=True)
    technical_support = models.CharField(
        "技术支持", max_length=100, default="鄂尔多斯市海瑞科技有限责任公司", blank=True
    )
    description = models.CharField(
        "站点简介",
        max_length=200,
        blank=True,
        default="中共乌达区委组织部党建工作信息发布平台",
        help_text="用于搜索引擎和分享时显示的简介。",
    )

    class Meta:
        verbose_name = "站点信息"
        verbose_name_plural = "站点信息"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="site_profile_singleton"),
        ]

    def __str__(self):
        return self.site_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The stored profile (a data migration creates it), or the defaults."""
        return cls.objects.filter(pk=1).first() or cls()


class FriendLinkQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_active=True)


class FriendLink(models.Model):
    """An entry of the 友情链接 list in the footer."""

    name = models.CharField("名称", max_length=50)
    url = models.CharField("网址", max_length=300, validators=[web_url_validator])
    order = models.PositiveIntegerField("排序", default=0, help_text="数字小的排在前面。")
    is_active = models.BooleanField("显示", default=True)

    objects = FriendLinkQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "友情链接"
        verbose_name_plural = "友情链接"
        constraints = [
            # The form refuses other schemes with a message; this keeps javascript: and
            # data: addresses out whatever path a row takes into the table.
            models.CheckConstraint(
                condition=models.Q(url__startswith="http://") | models.Q(url__startswith="https://"),
                name="friend_link_web_url",
            ),
        ]

    def __str__(self):
        return self.name
