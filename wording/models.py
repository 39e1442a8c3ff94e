from django.core.exceptions import ValidationError
from django.db import models


class Severity(models.TextChoices):
    SERIOUS = "serious", "严重"
    ORDINARY = "ordinary", "一般"


class WordingEntry(models.Model):
    """
    One entry of the 错敏词 list: a wrong form, its right form, how serious it is. A
    严重 finding stops publication until a reviewer confirms it (news.wordcheck); 一般 warns.
    """

    wrong = models.CharField("错误写法", max_length=100, unique=True, help_text="文中出现这一写法时提示，例如“布署”。")
    right = models.CharField("正确写法", max_length=200, help_text="应改为的写法，例如“部署”。")
    severity = models.CharField(
        "程度",
        max_length=10,
        choices=Severity.choices,
        default=Severity.ORDINARY,
        help_text="“严重”的错敏词须经审核发布人员勾选“已核对错敏词”后才能发布；“一般”只作提示。",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["wrong"]
        verbose_name = "错敏词"
        verbose_name_plural = "错敏词"

    def __str__(self):
        return f"{self.wrong} → {self.right}"

    def clean(self):
        self.wrong = self.wrong.strip()
        self.right = self.right.strip()
        if self.wrong and self.wrong == self.right:
            raise ValidationError({"right": ValidationError("正确写法不能与错误写法相同。", code="same")})
